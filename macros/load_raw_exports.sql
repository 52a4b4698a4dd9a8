{#- on-run-start: when var raw_dir is set, load every export of the contract
    from <raw_dir>/<export>.csv or .parquet into schema raw_files as text
    columns (typing and validation happen in staging). Fails with a message
    naming the export (and column) when a required export is missing, a
    column is missing, or a file cannot be read. Optional exports (commerce)
    that are missing load as empty tables, with a warning; a missing
    fx_rates falls back to the shipped reference seed. -#}
{% macro load_raw_exports() -%}
    {%- set raw_dir = var('raw_dir', none) -%}
    {%- if not execute or not raw_dir or flags.WHICH not in ['run', 'build'] -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(adapter.dispatch('load_raw_exports', 'retention')(raw_dir)) }}
{%- endmacro %}

{% macro default__load_raw_exports(raw_dir) -%}
    {{ exceptions.raise_compiler_error(
        "var raw_dir is supported on DuckDB only: on " ~ target.type
        ~ ", load the exports as tables and set var raw_schema instead") }}
{%- endmacro %}

{% macro duckdb__load_raw_exports(raw_dir) -%}
    {%- set folder = raw_dir | string | replace("'", "''") -%}
    {%- do run_query("create schema if not exists raw_files") -%}
    {%- set loaded = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='name') -%}
        {%- set export = node.name -%}
        {%- set wanted = node.columns.keys() | list -%}
        {%- set optional = (node.meta or {}).get('optional', false)
            or (node.config.meta or {}).get('optional', false) -%}
        {%- set found = run_query(
            "select file from glob('" ~ folder ~ "/" ~ export ~ ".csv') "
            ~ "union all select file from glob('" ~ folder ~ "/" ~ export
            ~ ".parquet') order by 1") -%}
        {%- set fallback = graph.nodes.get(
            'seed.' ~ project_name ~ '.' ~ export) if export == 'fx_rates'
            else none -%}
        {%- if found.rows | length == 0 and fallback is not none -%}
            {#- the shipped reference seed, when the folder brings no rates -#}
            {%- set path = (fallback.root_path ~ '/' ~ fallback.original_file_path)
                | replace("'", "''") -%}
            {%- do run_query("create or replace table raw_files." ~ export
                ~ " as select * from read_csv('" ~ path
                ~ "', all_varchar = true, header = true)") -%}
            {%- do log("raw export 'fx_rates' not in " ~ raw_dir
                ~ ": using the shipped seeds/sample/fx_rates.csv", info=true) -%}
        {%- elif found.rows | length == 0 -%}
            {%- if not optional -%}
                {{ exceptions.raise_compiler_error(
                    "raw export '" ~ export ~ "' not found: expected "
                    ~ raw_dir ~ "/" ~ export ~ ".csv or .parquet") }}
            {%- endif -%}
            {%- do log("WARNING: optional raw export '" ~ export
                ~ "' not found in " ~ raw_dir ~ ": loaded as empty", info=true) -%}
            {%- set cols = [] -%}
            {%- for col in wanted -%}
                {%- do cols.append("cast(null as varchar) as " ~ col) -%}
            {%- endfor -%}
            {%- do run_query("create or replace table raw_files." ~ export
                ~ " as select " ~ cols | join(", ") ~ " where false") -%}
        {%- else -%}
            {%- if found.rows | length > 1 -%}
                {{ exceptions.raise_compiler_error(
                    "raw export '" ~ export ~ "' exists as both .csv and "
                    ~ ".parquet in " ~ raw_dir ~ ": keep one") }}
            {%- endif -%}
            {%- set path = found.rows[0][0] | replace("'", "''") -%}
            {%- if path.endswith('.csv') -%}
                {%- set reader = "read_csv('" ~ path ~ "', all_varchar = true, "
                    ~ "header = true, encoding = 'utf-8')" -%}
            {%- else -%}
                {%- set reader = "read_parquet('" ~ path ~ "')" -%}
            {%- endif -%}
            {%- set described = run_query("describe select * from " ~ reader) -%}
            {%- set present = [] -%}
            {%- for row in described.rows -%}
                {%- do present.append(row[0] | lower | trim) -%}
            {%- endfor -%}
            {%- for col in wanted -%}
                {%- if col not in present -%}
                    {{ exceptions.raise_compiler_error(
                        "raw export '" ~ export ~ "' (" ~ found.rows[0][0]
                        ~ ") is missing column '" ~ col ~ "'; it has: "
                        ~ present | join(", ")) }}
                {%- endif -%}
            {%- endfor -%}
            {%- for col in present if col not in wanted -%}
                {%- do log("WARNING: raw export '" ~ export ~ "' has extra column '"
                    ~ col ~ "' (ignored)", info=true) -%}
            {%- endfor -%}
            {%- set cols = [] -%}
            {%- for col in wanted -%}
                {%- do cols.append("cast(\"" ~ col ~ "\" as varchar) as " ~ col) -%}
            {%- endfor -%}
            {%- do run_query("create or replace table raw_files." ~ export
                ~ " as select " ~ cols | join(", ") ~ " from " ~ reader) -%}
        {%- endif -%}
        {%- do loaded.append(export) -%}
    {%- endfor -%}
    {%- do log("Loaded " ~ loaded | length ~ " raw exports from " ~ raw_dir,
        info=true) -%}
    {{ return('') }}
{%- endmacro %}
