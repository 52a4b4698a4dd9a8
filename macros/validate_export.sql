{#- Validation of one raw export (the body of every base_<system>__<export>
    model). One output row per distinct raw row: exact duplicate rows are
    collapsed and counted in `copies` (key_rows counts distinct rows sharing
    the key); every contract column is parsed from
    text; `quarantine_reason` is NULL for a good row, else '<reason>:<column>'
    for the first rule the row breaks, in this order:
      missing_key, out_of_range (a number too large for its type),
      unparseable, missing_value, duplicate_key, invalid_enum,
      unknown_currency, no_fx_rate, out_of_range (a date before var
      earliest_plausible_date), <custom checks>, orphan_reference.
    Arguments (see macros/_macros.yml): relation, export, key, columns,
    required, enums, currency_column, currencies, fx_date_column, checks,
    references, personal, date_floor, incremental, fingerprint.
    Every row carries built_at, the start of the run that validated it.
    incremental (an incremental base model, macro delete_revalidated_rows):
    each row also carries raw_row_hash and contract_fingerprint, and an
    incremental run validates only the raw rows whose key the table no
    longer holds. -#}
{% macro validate_export(
    relation,
    export,
    key,
    columns,
    required=[],
    enums={},
    currency_column=none,
    currencies=none,
    fx_date_column=none,
    checks=[],
    references=[],
    personal=[],
    date_floor=true,
    incremental=false,
    fingerprint=none
) -%}
{%- set names = columns.keys() | list -%}
with

{% if incremental and is_incremental() %}
{#- an incremental run (macro delete_revalidated_rows): only the raw rows
    whose key the table no longer holds, found by their raw_row_hash: after
    the pre-hook, a raw row's key is held exactly when its hash is (a kept
    row stands for one unchanged raw row whose key no other raw row has).
    Only these few rows are trimmed. #}
new_raw_rows as (

    select raw.*

    from {{ relation }} as raw

    left join (
        {%- if retention._holds_validation_state() %}
        select raw_row_hash from {{ this }}
        {%- else %}
        {#- a table built before incremental validation, emptied by the
            pre-hook #}
        select cast(null as ubigint) as raw_row_hash
        {%- endif %}
    ) as kept
        on {{ retention.source_row_hash(names, 'raw.') }} = kept.raw_row_hash

    where kept.raw_row_hash is null

),

source_rows as (

    {{ retention.trimmed_source_rows('new_raw_rows', names, hash_of=names) }}

),
{% else %}
source_rows as (

    {{ retention.trimmed_source_rows(
        relation, names, hash_of=names if incremental else none) }}

),
{% endif %}

{% for reference in references %}
parent_{{ loop.index }} as (

    select distinct
        {{ reference.to }} as parent_key
        {%- for alias, parent_column in (reference.columns or {}).items() %},
        {{ parent_column }} as {{ alias }}
        {%- endfor %}

    from {{ reference.relation }}

    where quarantine_reason is null

),

{% endfor %}
{% if currencies is not none %}
known_currencies as (

    {#- the days each currency can be converted on: from its first rate to
        its last rate plus var fx_max_staleness_days (as in
        int_fx_rates_filled_to_day) #}
    select
        currency as known_currency,
        min(rate_date) as first_rate_date,
        {{ dbt.dateadd(
            'day', var('fx_max_staleness_days'), 'max(rate_date)'
        ) }} as last_covered_date

    from {{ currencies }}

    where quarantine_reason is null

    group by 1

),

{% endif %}
{#- Exact duplicates and repeated keys are rare: rows whose key occurs once
    pass straight through; only rows whose key repeats (or is missing) are
    grouped on every column. Much cheaper than a window over every row. #}
repeated_keys as (

    select {{ key | join(', ') }}

    from source_rows

    where {{ key | join(' is not null and ') }} is not null

    group by {{ key | join(', ') }}

    having count(*) > 1

),

single_key_rows as (

    select
        {%- for col in names %}
        source_rows.{{ col }} as raw__{{ col }},
        {%- endfor %}
        {%- if incremental %}
        source_rows.raw_row_hash,
        {%- endif %}
        1 as copies,
        1 as key_rows

    from source_rows

    left join repeated_keys
        on
        {%- for col in key %}
            {{ 'and ' if not loop.first }}source_rows.{{ col }}
            = repeated_keys.{{ col }}
        {%- endfor %}

    where repeated_keys.{{ key[0] }} is null
        {%- for col in key %}
        and source_rows.{{ col }} is not null
        {%- endfor %}

),

repeated_key_rows as (

    select source_rows.*

    from source_rows

    inner join repeated_keys
        on
        {%- for col in key %}
            {{ 'and ' if not loop.first }}source_rows.{{ col }}
            = repeated_keys.{{ col }}
        {%- endfor %}

    union all

    select * from source_rows

    where {{ key | join(' is null or ') }} is null

),

repeated_key_rows_collapsed as (

    select
        {%- for col in names %}
        {{ col }} as raw__{{ col }},
        {%- endfor %}
        {%- if incremental %}
        {#- copies (> 1) or a repeated key are validated again every run:
            no hash needed #}
        cast(null as ubigint) as raw_row_hash,
        {%- endif %}
        count(*) as copies

    from repeated_key_rows

    group by
        {%- for col in names %}
        {{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}

),

deduplicated as (

    select * from single_key_rows

    union all

    select
        *,
        count(*) over (
            partition by raw__{{ key | join(', raw__') }}
        ) as key_rows

    from repeated_key_rows_collapsed

),

parsed as (

    select
        deduplicated.*,
        {%- for col, kind in columns.items() %}
        {{ retention.parse_value('raw__' ~ col, kind) }} as {{ col }},
        {%- endfor %}
        {{ retention.source_row_key(key, 'raw__') }} as row_key,
        case
            {%- for col in key %}
            when raw__{{ col }} is null then 'missing_key:{{ col }}'
            {%- endfor %}
            {%- for col, kind in columns.items()
                if kind in ('integer', 'money', 'number') %}
            when raw__{{ col }} is not null
                and {{ retention.parse_value('raw__' ~ col, kind) }} is null
                and {{ retention.matches_regex(
                    'raw__' ~ col, retention.numeric_pattern(kind, false)) }}
                then 'out_of_range:{{ col }}'
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
        parsed.*
        {%- for reference in references %}
        {%- set parent = 'parent_' ~ loop.index %},
        {{ parent }}.parent_key as {{ parent }}_key
        {%- for alias in (reference.columns or {}).keys() %},
        {{ parent }}.{{ alias }}
        {%- endfor %}
        {%- endfor %}
        {%- if currencies is not none %},
        known_currencies.known_currency,
        known_currencies.first_rate_date,
        known_currencies.last_covered_date
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
        raw__{{ col }},
        {%- endfor %}
        {%- if incremental %}
        raw_row_hash,
        {%- endif %}
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
            {%- if fx_date_column is not none %}
            when {{ currency_column }} != '{{ var("reporting_currency") }}'
                and (
                    cast({{ fx_date_column }} as date) < first_rate_date
                    or cast({{ fx_date_column }} as date) > last_covered_date
                )
                then 'no_fx_rate:{{ fx_date_column }}'
            {%- endif %}
            {%- endif %}
            {%- for col, kind in columns.items()
                if date_floor and kind in ('timestamp', 'date') %}
            when {{ col }} < cast(
                '{{ var("earliest_plausible_date") }}' as {{ dbt.type_timestamp() }}
            ) then 'out_of_range:{{ col }}'
            {%- endfor %}
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

),

with_raw_values as (

    {#- the raw row as text, only where it is needed: quarantined rows #}
    select
        export_name,
        row_key,
        {%- for col in names %}
        {{ col }},
        {%- endfor %}
        copies,
        quarantine_reason,
        case
            when quarantine_reason is not null
                then {{ dbt.concat(
                    retention._raw_value_parts(names, personal)
                ) }}
        end as raw_values,
        {#- the run that validated the row (macro new_rows_data_tests) #}
        {{ retention.run_started_timestamp() }} as built_at
        {%- if incremental %},
        raw_row_hash,
        '{{ fingerprint }}' as contract_fingerprint
        {%- endif %}

    from validated

)

select * from with_raw_values
{%- endmacro %}


{#- Helpers for validate_export: pieces of dbt.concat() argument lists. -#}
{#- "'; col='", value for every column, the first without its "; ".
    A personal column (names, emails, and free text a person typed, which
    may hold a name or a phone number) shows '<personal:' + the first 8 hex
    digits of the value's md5 + '>': rows stay distinguishable (and can be
    matched in the source system), the value itself is not published. Any
    e-mail address inside another column shows as '<email>'. -#}
{% macro _raw_value_parts(names, personal=[]) -%}
    {%- set parts = [] -%}
    {%- for col in names -%}
        {%- do parts.append("'" ~ ('' if loop.first else '; ') ~ col ~ "='") -%}
        {%- if col in personal -%}
            {%- do parts.append("case when raw__" ~ col
                ~ " is null then '' else " ~ dbt.concat(["'<personal:'",
                    "substr(md5(raw__" ~ col ~ "), 1, 8)", "'>'"]) ~ " end") -%}
        {%- else -%}
            {%- do parts.append("coalesce("
                ~ retention.mask_emails('raw__' ~ col) ~ ", '')") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}

{% macro _key_parts(key, prefix='raw__') -%}
    {%- set parts = [] -%}
    {%- for col in key -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce(" ~ prefix ~ col ~ ", '')") -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}
