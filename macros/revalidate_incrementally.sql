{#- Incremental validation of a large export that grows by appending
    (base_product__events): a run validates only the raw rows that are new
    or whose result may have changed, and keeps every other row as the last
    run validated it. The result equals a full validation (tested):

    Before the run adds rows, its pre-hook (delete_revalidated_rows)
    deletes from the table every row that must be validated again:
      - every quarantined row (time, a parent that arrives later or a
        contract fix may make it good) and every row that stood for more
        than one raw row (copies > 1);
      - a row whose raw row is gone from the export or has changed (its key
        no longer holds exactly one raw row with the same raw_row_hash, a
        hash of every column's text as exported, untrimmed: a row whose
        text changed only in white space is validated again, to the same
        result), so removed rows leave and a key that now repeats becomes
        duplicate_key on both sides;
      - a good row whose parent (a reference of the contract) is no longer
        a good row of the parent export (orphan_reference);
      - every row when the contract or the vars it reads have changed
        (contract_fingerprint), or when the table predates these columns.
    The model then validates the raw rows whose key the table no longer
    holds (macro validate_export) and appends them. Raw and kept rows are
    matched by raw_row_hash, a join of integers (DECISIONS 132).

    A good row stays good as time passes: the only time-dependent rule,
    future_timestamp, moves its cutoff forward. Contracts with a currency
    or with parent columns in their checks (rates and parent values that
    change under a kept row) are not validated incrementally: such a base
    model must be a table (a compilation error says so). DuckDB only; on
    the server engines the base models are tables. `make run
    FULL_REFRESH=1` validates every row again. -#}

{#- The raw export's columns as validation reads them: text, trimmed of
    white space of any kind, empty as NULL; with hash_of (the contract's
    columns), also raw_row_hash, the hash of those columns' text as
    exported (macro source_row_hash). Trimming every column costs about
    eight times the hash of the untrimmed text on 10 M events, so the
    pre-hook trims only the keys of the new raw rows. -#}
{% macro trimmed_source_rows(relation, names, hash_of=none) -%}
    select
        {%- for col in names %}
        {{ retention._trimmed_text(col) }}
            as {{ col }}{{ ',' if not loop.last or hash_of }}
        {%- endfor %}
        {%- if hash_of %}
        {{ retention.source_row_hash(hash_of) }} as raw_row_hash
        {%- endif %}

    from {{ relation }}
{%- endmacro %}

{#- A raw column as validation reads it: text, trimmed of white space of
    any kind, empty as NULL. -#}
{% macro _trimmed_text(column) -%}
    nullif(
        {{ retention.trim_whitespace(
            'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }},
        ''
    )
{%- endmacro %}

{#- Whether the table being built carries the columns incremental
    validation keeps rows by (raw_row_hash, contract_fingerprint): a
    table built before it has all its rows validated again. -#}
{% macro _holds_validation_state() -%}
    {%- set held = adapter.get_columns_in_relation(this)
        | map(attribute='name') | list -%}
    {{ return('raw_row_hash' in held and 'contract_fingerprint' in held) }}
{%- endmacro %}

{#- The row key from trimmed key columns named <prefix><column>: the column
    itself for a one-column key, else the parts joined by '|'. -#}
{% macro source_row_key(key, prefix) -%}
    {%- if key | length == 1 -%}
        {{ prefix ~ key[0] }}
    {%- else -%}
        {{ dbt.concat(retention._key_parts(key, prefix)) }}
    {%- endif -%}
{%- endmacro %}

{#- A 64-bit hash of a raw row: the text of its columns as exported
    (untrimmed), in contract order; NULL and position count. -#}
{% macro source_row_hash(names, prefix='') -%}
    {{ return(adapter.dispatch('source_row_hash', 'retention')(names, prefix)) }}
{%- endmacro %}

{% macro default__source_row_hash(names, prefix='') -%}
    {{ exceptions.raise_compiler_error(
        "incremental validation of a raw export runs on DuckDB only, not on "
        ~ target.type ~ ": materialize the base model as a table there") }}
{%- endmacro %}

{% macro duckdb__source_row_hash(names, prefix='') -%}
    hash(
        {%- for col in names %}
        cast({{ prefix ~ col }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#- What an incremental base model's rows depend on besides the raw row:
    the export's contract (its columns and kinds, config.meta) and the vars
    its rules read. A change of any of them validates every row again. -#}
{% macro contract_fingerprint(meta, columns) -%}
    {%- set text = tojson(meta, sort_keys=true) ~ '|' ~ tojson(columns) -%}
    {%- set used = ['earliest_plausible_date']
        + modules.re.findall('\\[var (\\w+)\\]', text) -%}
    {%- set values = [] -%}
    {%- for name in used | unique | sort -%}
        {%- do values.append(name ~ '=' ~ var(name) | string) -%}
    {%- endfor -%}
    {#- the version of the validation rules (macro validate_export): raise
        it when a rule changes what a row's result is -#}
    {{ return(local_md5('validate_export v1|' ~ text ~ '|'
        ~ values | join('|'))) }}
{%- endmacro %}

{#- A compilation error when an export's contract uses a rule whose result
    can change under a kept row (see the header). -#}
{% macro _check_incremental_contract(export, meta) -%}
    {%- set parent_columns = [] -%}
    {%- for reference in meta.get('references', []) if reference.get('columns') -%}
        {%- do parent_columns.append(reference.column) -%}
    {%- endfor -%}
    {%- if meta.get('currency') or parent_columns -%}
        {{ exceptions.raise_compiler_error(
            "base model of raw export '" ~ export ~ "' is incremental, but its "
            ~ "contract has " ~ ("a currency" if meta.get('currency')
                else "parent columns (" ~ parent_columns | join(', ') ~ ")")
            ~ ", whose result can change under a row validated earlier: "
            ~ "materialize it as a table") }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an incremental base model (see the header): deletes the
    rows to validate again. Nothing on a full refresh. The raw rows are
    matched with the kept rows by raw_row_hash alone (a join of integers,
    not of keys: about a third of the cost of grouping the export by key,
    DECISIONS 132) and recorded in a table (<model>__raw_changes) that the
    hook drops when it is done. -#}
{% macro delete_revalidated_rows(system, export) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set meta, columns = retention.export_contract(system, export) -%}
    {%- set names = columns.keys() | list -%}
    {%- if not retention._holds_validation_state() %}
    {#- built before incremental validation: validate every row #}
    delete from {{ this }}
    {%- else %}
    {%- set kept_as_is = retention._kept_as_validated(meta, columns) -%}
    {%- set changes = api.Relation.create(
        database=this.database, schema=this.schema,
        identifier=this.identifier ~ '__raw_changes') -%}
    {%- set raw_hashes -%}
        select
            {%- for col in meta.key %}
            {{ col }},
            {%- endfor %}
            {{ retention.source_row_hash(names) }} as raw_row_hash
        from {{ source(system, export) }}
    {%- endset -%}
    {#- every raw row against every row kept as validated: a raw row that
        no kept row matches is new (its trimmed key is recorded), a kept
        row that no raw row matches is gone (its hash is recorded); the
        matched pairs are counted in one row -#}
    {%- do run_query(
        "create or replace table " ~ changes ~ " as\n"
        ~ retention._raw_changes_select(meta.key, raw_hashes, kept_as_is)) -%}
    {%- set counts = run_query(
        "select (select coalesce(sum(raw_rows), 0) from " ~ changes
        ~ " where not is_new and not is_gone), (select count(*) from "
        ~ changes ~ " where is_gone), (select count(*) from " ~ this
        ~ " as kept where " ~ kept_as_is ~ ")").rows[0] -%}
    {#- matched pairs = kept rows matched: no kept row is matched by two
        raw rows (a new exact copy of a kept row): else the kept rows whose
        hash repeats in the export are validated again (copies 2) -#}
    {%- set copied = counts[0] != counts[2] - counts[1] %}
    delete from {{ this }} as kept
    where
        not coalesce({{ kept_as_is }}, false)
        or kept.raw_row_hash in (
            select gone_raw_row_hash from {{ changes }} where is_gone
        )
        {#- a new raw row with a kept row's key: both are validated
            (duplicate_key) #}
        or kept.row_key in (
            select {{ retention.source_row_key(meta.key, 'new__') }}
            from {{ changes }}
            where is_new
        )
        {%- if copied %}
        or kept.raw_row_hash in (
            select raw_row_hash
            from ({{ raw_hashes }}) as raw
            group by raw_row_hash
            having count(*) > 1
        )
        {%- endif %}
        {%- for reference in meta.get('references', []) %}
        or (
            kept.{{ reference.column }} is not null
            and not exists (
                select 1
                from {{ retention._base_model(reference.export) }} as parent
                where
                    parent.quarantine_reason is null
                    and parent.{{ reference.to }} = kept.{{ reference.column }}
            )
        )
        {%- endfor %};
    drop table {{ changes }}
    {%- endif %}
{%- endmacro %}

{#- Condition on a row of the table (alias kept): it stands for one good
    raw row validated under the current contract, so it may be kept while
    that raw row is in the export unchanged. -#}
{% macro _kept_as_validated(meta, columns) -%}
    (
        kept.row_key is not null
        and kept.quarantine_reason is null
        and kept.copies = 1
        and kept.raw_row_hash is not null
        and kept.contract_fingerprint
        = '{{ retention.contract_fingerprint(meta, columns) }}'
    )
{%- endmacro %}

{#- The raw rows (raw_hashes: key columns as exported and raw_row_hash)
    against the rows kept as validated: one row per new raw row (is_new,
    its trimmed key columns new__<column>), one per gone kept row (is_gone,
    gone_raw_row_hash) and one counting the matched pairs (raw_rows). -#}
{% macro _raw_changes_select(key, raw_hashes, kept_as_is) -%}
select
    {%- for col in key %}
    case
        when kept.raw_row_hash is null
            then {{ retention._trimmed_text('raw.' ~ col) }}
    end as new__{{ col }},
    {%- endfor %}
    case
        when raw.raw_row_hash is null then kept.raw_row_hash
    end as gone_raw_row_hash,
    kept.raw_row_hash is null as is_new,
    raw.raw_row_hash is null as is_gone,
    count(*) as raw_rows
from ({{ raw_hashes }}) as raw
full outer join (
    select kept.raw_row_hash
    from {{ this }} as kept
    where {{ kept_as_is }}
) as kept
    on raw.raw_row_hash = kept.raw_row_hash
group by
    {%- for col in key %}
    new__{{ col }},
    {%- endfor %}
    gone_raw_row_hash,
    is_new,
    is_gone
{%- endmacro %}

{#- The base model (relation) of a raw export of the contract. -#}
{% macro _base_model(export) -%}
    {%- for system, name in retention.raw_exports() if name == export -%}
        {{ return(ref('base_' ~ system ~ '__' ~ export)) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "no raw export '" ~ export ~ "' in macro raw_exports") }}
{%- endmacro %}
