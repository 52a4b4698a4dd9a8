{#- on-run-start: when var raw_dir is set, load every export of the contract
    from <raw_dir>/<export>.csv or .parquet into schema raw_files as text
    columns (typing and validation happen in staging). Every export is
    checked before anything is built; the hook then fails with one message
    listing each problem, naming the export, file and column or line: a
    required export missing, a column missing, a file that is empty, not
    UTF-8, not comma-separated, truncated or malformed (a line with too few
    or too many fields, an unclosed quote), or unreadable, and a header-only
    file for an export in var raw_exports_never_empty. Extra columns are
    ignored with a warning; column order does not matter. Optional exports
    (commerce) that are missing load as empty tables, with a warning; a
    missing fx_rates falls back to the shipped reference seed. -#}
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
    {%- set problems = [] -%}
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
                {%- do problems.append("raw export '" ~ export
                    ~ "' not found: expected " ~ raw_dir ~ "/" ~ export
                    ~ ".csv or .parquet") -%}
            {%- endif -%}
            {%- do log("WARNING: optional raw export '" ~ export
                ~ "' not found in " ~ raw_dir ~ ": loaded as empty", info=true) -%}
            {%- set cols = [] -%}
            {%- for col in wanted -%}
                {%- do cols.append("cast(null as varchar) as " ~ col) -%}
            {%- endfor -%}
            {%- do run_query("create or replace table raw_files." ~ export
                ~ " as select " ~ cols | join(", ") ~ " where false") -%}
        {%- elif found.rows | length > 1 -%}
            {%- do problems.append("raw export '" ~ export
                ~ "' exists as both .csv and .parquet in " ~ raw_dir
                ~ ": keep one") -%}
        {%- else -%}
            {%- set file = found.rows[0][0] -%}
            {%- set path = found.rows[0][0] | replace("'", "''") -%}
            {%- if path.endswith('.csv') -%}
                {%- set reader, present, problem = retention._csv_reader(
                    export, file, path) -%}
            {%- else -%}
                {%- set reader = "read_parquet('" ~ path ~ "')" -%}
                {%- set described = run_query(
                    "describe select * from " ~ reader) -%}
                {%- set present = [] -%}
                {%- set problem = none -%}
                {%- for row in described.rows -%}
                    {%- do present.append(row[0] | lower | trim) -%}
                {%- endfor -%}
            {%- endif -%}
            {%- set missing = [] -%}
            {%- for col in wanted if col not in present -%}
                {%- do missing.append("'" ~ col ~ "'") -%}
            {%- endfor -%}
            {%- if problem is none and missing -%}
                {%- set problem = "is missing column " ~ missing | join(", ")
                    ~ "; it has: " ~ present | join(", ") -%}
            {%- endif -%}
            {%- if problem is not none -%}
                {%- do problems.append("raw export '" ~ export ~ "' ("
                    ~ file ~ ") " ~ problem) -%}
            {%- else -%}
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
            {%- set rejected = retention._rejected_lines(export)
                if path.endswith('.csv') else none -%}
            {%- set counted = run_query(
                "select count(*) from raw_files." ~ export) -%}
            {%- if rejected is not none -%}
                {%- do problems.append("raw export '" ~ export ~ "' ("
                    ~ file ~ ") " ~ rejected) -%}
            {%- elif counted.rows[0][0] == 0
                and export in var('raw_exports_never_empty') -%}
                {%- do problems.append("raw export '" ~ export ~ "' ("
                    ~ file ~ ") has a header but no rows: a retention build "
                    ~ "needs it (var raw_exports_never_empty)") -%}
            {%- elif counted.rows[0][0] == 0 -%}
                {%- do log("WARNING: raw export '" ~ export
                    ~ "' has no rows", info=true) -%}
            {%- endif -%}
            {%- endif -%}
        {%- endif -%}
        {%- do loaded.append(export) -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            problems | length ~ " problem(s) with the raw exports in "
            ~ raw_dir ~ "; nothing was built:\n  - "
            ~ problems | join("\n  - ")) }}
    {%- endif -%}
    {%- do log("Loaded " ~ loaded | length ~ " raw exports from " ~ raw_dir,
        info=true) -%}
    {{ return('') }}
{%- endmacro %}


{#- A CSV export read the one way the contract allows: UTF-8 (a BOM is
    fine), comma-separated, '"' quotes, LF or CRLF line ends, a header
    line. Checks the bytes first: empty, not UTF-8 or not comma-separated
    is a problem. Returns the read_csv call (no sniffing: every column as
    text, bad lines kept aside in a rejects table), the header's column
    names and the problem (or none). -#}
{% macro _csv_reader(export, file, path) -%}
    {%- set probe = run_query(
        "with f as (select size, try(decode(content)) as body from read_blob('"
        ~ path ~ "')) select size, body is null, "
        ~ "rtrim(ltrim(split_part(coalesce(body, ''), chr(10), 1), chr(65279)), "
        ~ "chr(13)), coalesce(body, '') like '%' || chr(13) || chr(10) || '%' "
        ~ "from f") -%}
    {%- set size, not_utf8, header, crlf = probe.rows[0] -%}
    {%- set ns = namespace(problem=none) -%}
    {%- if size == 0 -%}
        {%- set ns.problem = "is empty (0 bytes, not even a header line)" -%}
    {%- elif not_utf8 -%}
        {%- set ns.problem = "is not UTF-8 encoded (it has bytes that are "
            ~ "not valid UTF-8, e.g. Latin-1 or Windows-1252): export it as "
            ~ "UTF-8" -%}
    {%- elif ',' not in header -%}
        {%- for delim, label in [(';', "';'"), ('\t', 'tab'), ('|', "'|'")]
            if delim in header and ns.problem is none -%}
            {%- set ns.problem = "is not comma-separated: its header line "
                ~ "uses " ~ label ~ " (" ~ header[:60] ~ ")" -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set present = [] -%}
    {%- set declared = [] -%}
    {%- for name in header.split(',') -%}
        {%- set clean = name | trim | replace('"', '') | lower -%}
        {%- do present.append(clean) -%}
        {%- do declared.append("'" ~ clean | replace("'", "''")
            ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {%- set reader = "read_csv('" ~ path ~ "', auto_detect = false, "
        ~ "header = true, delim = ',', quote = '\"', escape = '\"', "
        ~ "new_line = '" ~ ('\\r\\n' if crlf else '\\n') ~ "', "
        ~ "encoding = 'utf-8', columns = {" ~ declared | join(', ') ~ "}, "
        ~ "store_rejects = true, rejects_table = 'raw_rejects_" ~ export
        ~ "', rejects_scan = 'raw_scans_" ~ export ~ "')" -%}
    {{ return((reader, present, ns.problem)) }}
{%- endmacro %}

{#- After a CSV export is read: a problem (naming the line and column) when
    a line could not be parsed (too few or too many fields, an unclosed
    quote), else none. Such a file is truncated or malformed, and loading
    only the lines that parsed would silently drop data. -#}
{% macro _rejected_lines(export) -%}
    {%- set rejected = run_query(
        "select count(*) over (), line, column_name, "
        ~ "error_type, error_message from raw_rejects_" ~ export
        ~ " order by line limit 1") -%}
    {%- do run_query("drop table if exists raw_rejects_" ~ export) -%}
    {%- do run_query("drop table if exists raw_scans_" ~ export) -%}
    {%- if rejected.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set total, line, column, kind, message = rejected.rows[0] -%}
    {{ return("line " ~ line ~ (", column '" ~ column ~ "'" if column
        else "") ~ ": " ~ kind
        ~ " (" ~ message ~ "); " ~ total ~ " malformed line(s) in all: the "
        ~ "file is truncated or not well-formed CSV (comma-separated, "
        ~ "'\"' quotes)") }}
{%- endmacro %}
