{#- Body of every base_<system>__<export> model, in one line: validates the
    raw export source('<system>', '<export>') by the contract written in
    its sources yml (models/staging/<system>/_<system>__sources.yml), the
    one hand-written copy of the raw-export contract. The table's
    config.meta gives key, required, types (a column not listed is a
    string), enums, personal, currency ({column, fx_date_column}), checks,
    references and date_floor; the columns and their order are the
    table's columns. See macro validate_export for what each rule does.

    `parents` are the refs the contract needs: the base model of every
    export a reference names, and base_reference__fx_rates for an export
    with a currency. dbt learns a model's dependencies while parsing, before
    it reads any yml, so they are passed here; a missing one is a
    compilation error naming it.

    A check is either {reason, column, not_matching: <regex>} or
    {reason, column, when: <SQL over the parsed columns>}; in `when`,
    [future_cutoff] is the build's start (macro future_cutoff),
    [var <name>] a var's value, and [dateadd <unit> <n> <expression>]
    dbt.dateadd (innermost first).

    An incremental base model (config materialized='incremental') validates
    only new and possibly changed raw rows: see macro
    delete_revalidated_rows. -#}
{% macro validate_source(system, export, parents=[]) -%}
    {%- set relation = source(system, export) -%}
    {%- if retention.sample_seeds_loaded() -%}
        {#- the shipped sample seed is built before the export is read -#}
        {%- do ref(export) -%}
    {%- endif -%}
    {%- if not execute -%}
        {{ return('select 1 as parsed') }}
    {%- endif -%}
    {%- set meta, columns = retention.export_contract(system, export) -%}
    {%- set checks = [] -%}
    {%- for check in meta.get('checks', []) -%}
        {%- if check.not_matching is defined -%}
            {%- set when = 'not ' ~ retention.matches_regex(
                check.column, check.not_matching) -%}
        {%- else -%}
            {%- set when = retention.contract_sql(check.when) -%}
        {%- endif -%}
        {%- do checks.append(
            {'reason': check.reason, 'column': check.column, 'when': when}) -%}
    {%- endfor -%}
    {%- set references = [] -%}
    {%- for reference in meta.get('references', []) -%}
        {%- do references.append({
            'column': reference.column,
            'relation': retention._contract_parent(
                export, parents, reference.export),
            'to': reference.to,
            'columns': reference.get('columns', {}),
        }) -%}
    {%- endfor -%}
    {%- set currency = meta.get('currency', {}) -%}
    {%- set incremental = config.get('materialized') == 'incremental' -%}
    {%- if incremental -%}
        {%- do retention._check_incremental_contract(export, meta) -%}
    {%- endif -%}
    {{ return(retention.validate_export(
        relation=relation,
        export=export,
        key=meta.key,
        columns=columns,
        required=meta.get('required', []),
        enums=meta.get('enums', {}),
        currency_column=currency.get('column'),
        currencies=retention._contract_parent(export, parents, 'fx_rates')
            if currency else none,
        fx_date_column=currency.get('fx_date_column'),
        checks=checks,
        references=references,
        personal=meta.get('personal', []),
        date_floor=meta.get('date_floor', true),
        incremental=incremental,
        fingerprint=retention.contract_fingerprint(meta, columns)
            if incremental else none,
    )) }}
{%- endmacro %}

{#- The base model of export `wanted` among `parents`. -#}
{% macro _contract_parent(export, parents, wanted) -%}
    {%- for parent in parents
        if parent.identifier.endswith('__' ~ wanted) -%}
        {{ return(parent) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "the contract of raw export '" ~ export ~ "' needs export '"
        ~ wanted ~ "': pass its base model, ref('base_<system>__" ~ wanted
        ~ "'), in parents of validate_source") }}
{%- endmacro %}

{#- A contract check's SQL with its placeholders filled in (see
    validate_source). -#}
{% macro contract_sql(text) -%}
    {%- set sql = namespace(text=text | replace(
        '[future_cutoff]', retention.future_cutoff())) -%}
    {%- for name in modules.re.findall('\\[var (\\w+)\\]', sql.text) -%}
        {%- set sql.text = sql.text | replace('[var ' ~ name ~ ']', var(name) | string) -%}
    {%- endfor -%}
    {%- set innermost = '\\[dateadd (\\w+) ([\\w.]+) ([^\\[\\]]+)\\]' -%}
    {%- for _ in range(5) -%}
        {%- set found = modules.re.search(innermost, sql.text) -%}
        {%- if found -%}
            {%- set sql.text = sql.text | replace(found.group(0), dbt.dateadd(
                found.group(1), found.group(2), found.group(3))) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(sql.text) }}
{%- endmacro %}

{#- The contract of a raw export as its source declares it: [meta (key,
    types, checks, references), {column: type}] in the declared column
    order, a column without a declared type being a string. -#}
{% macro export_contract(system, export) -%}
    {%- set node = graph.sources[
        'source.' ~ model.package_name ~ '.' ~ system ~ '.' ~ export] -%}
    {%- set meta = node.config.meta or node.meta or {} -%}
    {%- set types = meta.get('types', {}) -%}
    {%- set columns = {} -%}
    {%- for name in node.columns -%}
        {%- do columns.update({name: types.get(name, 'string')}) -%}
    {%- endfor -%}
    {{ return([meta, columns]) }}
{%- endmacro %}
