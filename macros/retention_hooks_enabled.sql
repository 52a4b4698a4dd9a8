{#- True when the project's own hooks should run: always in this project,
    and in a project that installs it as a package only when it opts in
    with var retention_run_hooks: true (quarantine report, PostgreSQL
    grants). Loading raw exports needs no opt-in: setting var raw_dir is
    the request. -#}
{% macro retention_hooks_enabled() -%}
    {{ return(project_name == 'retention' or var('retention_run_hooks', false)) }}
{%- endmacro %}

{#- True when the shipped sample (seeds/sample) is part of the build (the
    base models' declared seed dependencies and the sample-only tests):
    always in this project (profile 'retention'), and in a project that
    installs it as a package only with --vars '{retention_sample_data:
    true}'. -#}
{% macro sample_data_enabled() -%}
    {{ return(target.profile_name == 'retention'
        or var('retention_sample_data', false)) }}
{%- endmacro %}

{#- True when the sample seeds are loaded: sample data enabled and no var
    raw_dir (the sources then read the user's files, and the sample has
    no place in their warehouse). The same condition enables the seeds in
    dbt_project.yml, which cannot call macros. -#}
{% macro sample_seeds_loaded() -%}
    {{ return(retention.sample_data_enabled() and not var('raw_dir', none)) }}
{%- endmacro %}
