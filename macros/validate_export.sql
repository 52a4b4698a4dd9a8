{#- Validation of one raw export (the body of every base_<system>__<export>
    model). One output row per distinct raw row: exact duplicate rows are
    collapsed and counted in `copies`; every contract column is parsed from
    text; `quarantine_reason` is NULL for a good row, else '<reason>:<column>'
    for the first rule the row breaks, in this order:
      missing_key, unparseable, missing_value, duplicate_key, invalid_enum,
      unknown_currency, <custom checks>, orphan_reference.
    Arguments (see macros/_macros.yml): relation, export, key, columns,
    required, enums, currency_column, currencies, checks, references. -#}
{% macro validate_export(
    relation,
    export,
    key,
    columns,
    required=[],
    enums={},
    currency_column=none,
    currencies=none,
    checks=[],
    references=[]
) -%}
{%- set names = columns.keys() | list -%}
with

source_rows as (

    select
        {%- for col in names %}
        nullif(trim(cast({{ col }} as {{ dbt.type_string() }})), '')
            as {{ col }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ relation }}

),

{% for reference in references %}
parent_{{ loop.index }} as (

    select distinct {{ reference.to }} as parent_key

    from {{ reference.relation }}

    where quarantine_reason is null

),

{% endfor %}
{% if currencies is not none %}
known_currencies as (

    select distinct currency as known_currency

    from {{ currencies }}

    where quarantine_reason is null

),

{% endif %}
deduplicated as (

    select
        {%- for col in names %}
        {{ col }} as raw__{{ col }},
        {%- endfor %}
        count(*) as copies

    from source_rows

    group by
        {%- for col in names %}
        {{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}

),

parsed as (

    select
        {%- for col, kind in columns.items() %}
        {{ retention.parse_value('raw__' ~ col, kind) }} as {{ col }},
        {%- endfor %}
        {{ dbt.concat(
            ["'" ~ names[0] ~ "='", "coalesce(raw__" ~ names[0] ~ ", '')"]
            + retention._raw_value_parts(names[1:])
        ) }} as raw_values,
        {%- if key | length == 1 %}
        raw__{{ key[0] }} as row_key,
        {%- else %}
        {{ dbt.concat(retention._key_parts(key)) }} as row_key,
        {%- endif %}
        copies,
        case
            {%- for col in key %}
            when raw__{{ col }} is null then 'missing_key:{{ col }}'
            {%- endfor %}
            {%- for col, kind in columns.items() if kind != 'string' %}
            when raw__{{ col }} is not null
                and {{ retention.parse_value('raw__' ~ col, kind) }} is null
                then 'unparseable:{{ col }}'
            {%- endfor %}
            {%- for col in required %}
            when raw__{{ col }} is null then 'missing_value:{{ col }}'
            {%- endfor %}
        end as parse_reason

    from deduplicated

),

checked as (

    select
        parsed.*,
        count(*) over (
            partition by {{ key | join(', ') }}
        ) as key_rows
        {%- for reference in references %},
        parent_{{ loop.index }}.parent_key as parent_{{ loop.index }}_key
        {%- endfor %}
        {%- if currencies is not none %},
        known_currencies.known_currency
        {%- endif %}

    from parsed
    {%- for reference in references %}

    left join parent_{{ loop.index }}
        on parsed.{{ reference.column }} = parent_{{ loop.index }}.parent_key
    {%- endfor %}
    {%- if currencies is not none %}

    left join known_currencies
        on parsed.{{ currency_column }} = known_currencies.known_currency
    {%- endif %}

),

validated as (

    select
        '{{ export }}' as export_name,
        row_key,
        {%- for col in names %}
        {{ col }},
        {%- endfor %}
        raw_values,
        copies,
        case
            when parse_reason is not null then parse_reason
            when key_rows > 1 then 'duplicate_key:{{ key | join("+") }}'
            {%- for col, values in enums.items() %}
            when {{ col }} not in (
                '{{ values | join("', '") }}'
            ) then 'invalid_enum:{{ col }}'
            {%- endfor %}
            {%- if currencies is not none %}
            when {{ currency_column }} is not null and known_currency is null
                then 'unknown_currency:{{ currency_column }}'
            {%- endif %}
            {%- for check in checks %}
            when {{ check.when }} then '{{ check.reason }}:{{ check.column }}'
            {%- endfor %}
            {%- for reference in references %}
            when {{ reference.column }} is not null
                and parent_{{ loop.index }}_key is null
                then 'orphan_reference:{{ reference.column }}'
            {%- endfor %}
        end as quarantine_reason

    from checked

)

select * from validated
{%- endmacro %}


{#- Helpers for validate_export: pieces of dbt.concat() argument lists. -#}
{% macro _raw_value_parts(names) -%}
    {%- set parts = [] -%}
    {%- for col in names -%}
        {%- do parts.extend(["'; " ~ col ~ "='", "coalesce(raw__" ~ col ~ ", '')"]) -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}

{% macro _key_parts(key) -%}
    {%- set parts = [] -%}
    {%- for col in key -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce(raw__" ~ col ~ ", '')") -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}
