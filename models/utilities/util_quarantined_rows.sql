{# One row per quarantined raw row of any export: the export, the row key,
   the reason, the offending column and the raw values: the contract
   breaches that did not reach staging. #}

{% set validation_models = [] %}
{% for system, export in retention.raw_exports() %}
{% do validation_models.append('base_' ~ system ~ '__' ~ export) %}
{% endfor %}

with

{% for model_name in validation_models %}
{{ model_name }} as (

    select
        export_name,
        row_key,
        quarantine_reason,
        raw_values,
        copies

    from {{ ref(model_name) }}

    where quarantine_reason is not null

),

{% endfor %}
unioned as (
    {% for model_name in validation_models %}
    select * from {{ model_name }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

split as (

    select
        export_name,
        row_key,
        {{ dbt.split_part('quarantine_reason', "':'", 1) }} as reason,
        {{ dbt.split_part('quarantine_reason', "':'", 2) }} as column_name,
        raw_values,
        copies as raw_copies

    from unioned

)

select * from split
