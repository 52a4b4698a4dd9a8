{#- Incremental DuckDB models whose rows are each a function of a date
    (a day, a weekly snapshot, a month) and of inputs dated before some
    day after it: int_health_inputs_aggregated_to_customer_week,
    fct_engagement_daily and int_feature_usage_aggregated_to_account_month.

    After every build a post-hook (record_inputs_state) records, in a
    one-row table beside the model (<model>__inputs_state), a cutoff C
    (the model's latest date - a lookback var; for months, the start of
    the month that holds that day), a checksum of the inputs
    that the rows dated before C read (the model's own checksum macro,
    taking C) and a fingerprint of the model's code and the vars it reads.
    The next incremental run's pre-hook (delete_rows_with_changed_inputs)
    recomputes that checksum at the recorded C: equal (and the same
    fingerprint), every row dated before C is kept and only those from C
    on are deleted; different (an old input corrected, quarantined,
    removed or arriving late by more than the lookback), every row is
    deleted. Rows after the date spine's last day (as_of_date moved back)
    go too. The model then computes the dates the table no longer holds.
    So an incremental build equals a full rebuild (tested); the lookback
    only decides how late data may arrive and still cost one window, not
    a full recomputation. -#}

{#- A term of the models' checksums: the sum of the hashes of `columns`
    over the rows of `relation` that pass `condition`, as text ('-' when
    there are none). -#}
{% macro _hash_sum_text(relation, columns, condition) -%}
    {{ retention._scalar_text(
        'sum(hash(' ~ columns | join(', ') ~ '))', relation, condition) }}
{%- endmacro %}

{#- `aggregate` over the rows of `relation` that pass `condition`, as text
    ('-' when NULL). -#}
{% macro _scalar_text(aggregate, relation, condition) -%}
    coalesce(cast((
        select {{ aggregate }}
        from {{ relation }}
        where {{ condition }}
    ) as {{ dbt.type_string() }}), '-')
{%- endmacro %}

{#- The state table of the model being built. -#}
{% macro inputs_state_relation() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema,
        identifier=this.identifier ~ '__inputs_state')) }}
{%- endmacro %}

{#- Pre-hook (see the header): `checksum` is a macro taking a SQL date
    expression and returning a select of one text value. Nothing on a
    full refresh or other engines (the models are tables there). -#}
{% macro delete_rows_with_changed_inputs(date_column, checksum,
                                         fingerprint) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set state = retention.inputs_state_relation() -%}
    {%- if load_relation(state) is none %}
    delete from {{ this }}
    {%- else %}
    delete from {{ this }}
    where
        {{ date_column }} >= (select cutoff_date from {{ state }})
        or {{ date_column }} > (select max(date_day) from {{ ref('util_days') }})
        or not exists (
            select 1
            from {{ state }}
            where
                fingerprint = '{{ fingerprint }}'
                and checksum = ({{ checksum(
                    '(select cutoff_date from ' ~ state ~ ')') }})
        )
    {%- endif %}
{%- endmacro %}

{#- Post-hook (see the header): the cutoff (`cutoff`, a SQL date
    expression: the model's latest date - a lookback, or a period start
    before it), the inputs' checksum at it and the fingerprint, for the
    next run. -#}
{% macro record_inputs_state(cutoff, checksum, fingerprint) -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    create or replace table {{ retention.inputs_state_relation() }} as
    select
        cast({{ cutoff }} as date) as cutoff_date,
        ({{ checksum(cutoff) }}) as checksum,
        '{{ fingerprint }}' as fingerprint
{%- endmacro %}

{#- The cutoff of a model whose rows are dated by `date_column`: its
    latest date - `lookback_days`, as a SQL date expression. -#}
{% macro latest_date_minus(date_column, lookback_days) -%}
    (select {{ dbt.dateadd('day', -lookback_days, 'max(' ~ date_column ~ ')') }}
    from {{ this }})
{%- endmacro %}
