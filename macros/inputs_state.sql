{#- Incremental DuckDB models whose rows are each a function of a date
    (a day, a weekly snapshot, a month) and of inputs dated before some
    day after it: int_health_inputs_aggregated_to_customer_week,
    fct_engagement_daily and int_feature_usage_aggregated_to_account_month.

    After every build a post-hook (record_inputs_state) records, in a
    one-row table beside the model (<model>__inputs_state), a cutoff C
    (the model's latest date - a lookback var; for months, the start of
    the month that holds that day), a checksum of the inputs
    that the rows dated before C read (the model's own checksum macro,
    taking C) and a fingerprint of the model's code, the macros it calls
    and the vars it reads (model_code_fingerprint).
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
        or not {{ retention._state_matches(state, checksum(
            '(select cutoff_date from ' ~ state ~ ')'), fingerprint) }}
    {%- endif %}
{%- endmacro %}

{#- A SQL condition: the state table `state` records `fingerprint` and
    the checksum that `checksum` (a select of one text value) computes
    now. -#}
{% macro _state_matches(state, checksum, fingerprint) -%}
    exists (
        select 1
        from {{ state }}
        where
            fingerprint = '{{ fingerprint }}'
            and checksum = ({{ checksum }})
    )
{%- endmacro %}

{#- Post-hook (see the header): the cutoff (`cutoff`, a SQL date
    expression: the model's latest date - a lookback, or a period start
    before it), the inputs' checksum at it and the fingerprint, for the
    next run. -#}
{% macro record_inputs_state(cutoff, checksum, fingerprint) -%}
    {{ retention._write_inputs_state(cutoff, checksum(cutoff), fingerprint) }}
{%- endmacro %}

{#- The state table, written (DuckDB): `cutoff` a SQL date expression,
    `checksum` a select of one text value. -#}
{% macro _write_inputs_state(cutoff, checksum, fingerprint) -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    create or replace table {{ retention.inputs_state_relation() }} as
    select
        cast({{ cutoff }} as date) as cutoff_date,
        ({{ checksum }}) as checksum,
        '{{ fingerprint }}' as fingerprint
{%- endmacro %}

{#- The cutoff of a model whose rows are dated by `date_column`: its
    latest date - `lookback_days`, as a SQL date expression. -#}
{% macro latest_date_minus(date_column, lookback_days) -%}
    (select {{ dbt.dateadd('day', -lookback_days, 'max(' ~ date_column ~ ')') }}
    from {{ this }})
{%- endmacro %}

{#- An md5 of the code that decides a model's rows: its own code, the
    source of every macro of this project it calls (directly, through
    other macros, or through adapter.dispatch: the target's and the
    default implementation), dbt's version (dbt's own macros) and `extra`
    (the vars it reads). A change in any of them makes the next
    incremental run of a model that records it compute every row again. -#}
{% macro model_code_fingerprint(extra='') -%}
    {%- set ids = model.depends_on.macros | list -%}
    {%- set sources = [] -%}
    {%- set seen = [] -%}
    {#- a bounded walk down the calls (Jinja has no while loop) -#}
    {%- for _ in range(50) if ids | reject('in', seen) | list -%}
        {%- for id in ids | reject('in', seen) | unique | list -%}
            {%- do seen.append(id) -%}
            {%- set package, name = id.split('.')[1:3] -%}
            {%- if package == 'retention' and name in retention -%}
                {%- set called = retention[name].macro -%}
                {%- do sources.append(id ~ '\n' ~ called.macro_sql) -%}
                {%- do ids.extend(called.depends_on.macros) -%}
                {%- for implementation in [target.type ~ '__' ~ name,
                                           'default__' ~ name]
                    if implementation in retention -%}
                    {%- do ids.append('macro.retention.' ~ implementation) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(local_md5(
        ([model.raw_code, dbt_version, extra | string] + sources | sort)
        | join('\n'))) }}
{%- endmacro %}

{#- Models kept whole while what they read is unchanged
    (fct_health_score_backtest: its pooled row reads every row it reads,
    so it cannot keep some rows and compute others). The state table
    (inputs_state_relation) records a checksum of everything the model
    reads and the fingerprint of its code (cutoff_date NULL): equal on
    the next incremental run, the model selects no row and keeps the
    table; different, the pre-hook deletes every row and the model
    computes them all. `checksum` here is a select of one text value. -#}

{#- At compilation (the model's body): whether the table is kept. -#}
{% macro inputs_unchanged(checksum, fingerprint) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set state = retention.inputs_state_relation() -%}
    {%- if load_relation(state) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query(
        "select " ~ retention._state_matches(state, checksum, fingerprint)) -%}
    {{ return(found.rows[0][0]) }}
{%- endmacro %}

{#- Pre-hook: every row goes unless inputs_unchanged (the same test, on
    the same data: the parents are built). -#}
{% macro delete_all_when_inputs_changed(checksum, fingerprint) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set state = retention.inputs_state_relation() -%}
    delete from {{ this }}
    {%- if load_relation(state) is not none %}
    where not {{ retention._state_matches(state, checksum, fingerprint) }}
    {%- endif %}
{%- endmacro %}

{#- Post-hook: the checksum and fingerprint for the next run. -#}
{% macro record_whole_inputs_state(checksum, fingerprint) -%}
    {{ retention._write_inputs_state('null', checksum, fingerprint) }}
{%- endmacro %}
