{#- on-run-start: when var raw_dir is set, load every export of the contract
    from <raw_dir>/<export>.csv or .parquet into schema raw_files as text
    columns (typing and validation happen in staging): a CSV file as a
    table, a Parquet file as a view over the file. Every export is
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
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set raw_dir = var('raw_dir', none) -%}
    {%- if not raw_dir -%}
        {{ return('') }}
    {%- endif -%}
    {#- raw_dir '$RETENTION_RAW_DIR' (the CLI's): the folder is read from
        that environment variable here, when the hook runs. A changed var
        makes dbt parse the whole project again, and each day's export may
        land in a new folder. -#}
    {%- if raw_dir == '$RETENTION_RAW_DIR' -%}
        {%- set raw_dir = env_var('RETENTION_RAW_DIR') -%}
    {%- endif -%}
    {{ return(adapter.dispatch('load_raw_exports', 'retention')(raw_dir)) }}
{%- endmacro %}

{#- PostgreSQL, Spark: dbt cannot read the files there. The CLI checks them
    with the DuckDB macro below and loads them into schema raw_files
    (retention_lib.raw_loading), then builds with var raw_dir_loaded. -#}
{% macro default__load_raw_exports(raw_dir) -%}
    {%- if not var('raw_dir_loaded', false) -%}
        {{ exceptions.raise_compiler_error(
            "var raw_dir on target " ~ target.name ~ " (" ~ target.type
            ~ "): dbt cannot read the files on this engine. Run through the "
            ~ "project's CLI (RAW_DIR=" ~ raw_dir ~ " DBT_TARGET="
            ~ target.name ~ " make run), which checks and loads them, or "
            ~ "load the exports as tables and set var raw_schema instead") }}
    {%- endif -%}
    {%- do log("Raw exports from " ~ raw_dir ~ " were loaded by the CLI "
        ~ "into schema raw_files", info=true) -%}
    {{ return('') }}
{%- endmacro %}

{#- dbt run-operation check_raw_exports --vars '{raw_dir: ...}': the DuckDB
    load and its checks, outside a build, on the DuckDB target it runs on.
    The CLI runs it on a scratch file before loading RAW_DIR on PostgreSQL
    or Spark, so that every engine refuses the same files with the same
    message. -#}
{% macro check_raw_exports() -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error(
            "check_raw_exports runs on a DuckDB target, not " ~ target.type) }}
    {%- endif -%}
    {%- do retention.duckdb__load_raw_exports(var('raw_dir')) -%}
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
            {%- do retention._drop_raw_relation(export) -%}
            {%- do run_query("create table raw_files." ~ export
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
            {%- do retention._drop_raw_relation(export) -%}
            {%- do run_query("create table raw_files." ~ export
                ~ " as select " ~ cols | join(", ") ~ " where false") -%}
        {%- elif found.rows | length > 1 -%}
            {%- do problems.append("raw export '" ~ export
                ~ "' exists as both .csv and .parquet in " ~ raw_dir
                ~ ": keep one") -%}
        {%- else -%}
            {%- set file = found.rows[0][0] -%}
            {%- set path = found.rows[0][0] | replace("'", "''") -%}
            {%- if path.endswith('.csv') -%}
                {%- set reader, present, problem, records =
                    retention._csv_reader(export, file, path) -%}
                {%- set source_names = {} -%}
            {%- else -%}
                {%- set reader = "read_parquet('" ~ path ~ "')" -%}
                {%- set described = run_query(
                    "describe select * from " ~ reader) -%}
                {%- set actual = [] -%}
                {%- for row in described.rows -%}
                    {%- do actual.append(row[0]) -%}
                {%- endfor -%}
                {%- set present, source_names, problem =
                    retention._column_names(actual) -%}
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
                {%- do cols.append("cast(\"" ~ source_names.get(col, col)
                    | replace('"', '""') ~ "\" as varchar) as " ~ col) -%}
            {%- endfor -%}
            {#- a Parquet export is a view over its file: copying it into
                the warehouse cost a bare read's time many times over (6.5 s
                of the 10.7 M events, a minute at 500,000 customers), and
                Parquet is typed and columnar, so each read takes only the
                columns it needs. A CSV export is read once into a table:
                its parse is the expensive part, and its rejected lines are
                checked below. (The CLI refuses to publish when a file
                changed during the run: DECISIONS 122.) -#}
            {%- do retention._drop_raw_relation(export) -%}
            {%- do run_query("create "
                ~ ("table" if path.endswith('.csv') else "view")
                ~ " raw_files." ~ export
                ~ " as select " ~ cols | join(", ") ~ " from " ~ reader) -%}
            {%- set rejected = retention._rejected_lines(export)
                if path.endswith('.csv') else none -%}
            {%- set counted = run_query(
                "select count(*) from raw_files." ~ export) -%}
            {%- if rejected is not none -%}
                {%- do problems.append("raw export '" ~ export ~ "' ("
                    ~ file ~ ") " ~ rejected) -%}
            {%- elif path.endswith('.csv')
                and counted.rows[0][0] != records -%}
                {%- do problems.append("raw export '" ~ export ~ "' ("
                    ~ file ~ ") holds " ~ records ~ " record(s) after its "
                    ~ "header, but " ~ counted.rows[0][0] ~ " were read: "
                    ~ "line ends or quoting the CSV reader could not follow; "
                    ~ "export it again as comma-separated UTF-8 with '\"' "
                    ~ "quotes") -%}
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


{#- Drops raw_files.<export>, a table or a view (DuckDB replaces neither
    with the other). -#}
{% macro _drop_raw_relation(export) -%}
    {%- set found = run_query(
        "select table_type from information_schema.tables "
        ~ "where table_catalog = current_database() "
        ~ "and table_schema = 'raw_files' and table_name = '" ~ export ~ "'") -%}
    {%- for row in found.rows -%}
        {%- do run_query("drop " ~ ("view" if row[0] == 'VIEW' else "table")
            ~ " raw_files." ~ export) -%}
    {%- endfor -%}
{%- endmacro %}

{#- A CSV export read the one way the contract allows: UTF-8 (a BOM is
    fine), comma-separated, '"' quotes, LF, CRLF or CR line ends (a quoted
    value may hold any line break), a header line. Checks the bytes first:
    empty, not UTF-8 or not comma-separated is a problem. Counts the file's
    records independently of the reader (lines whose running count of '"'
    is even end a record; blank lines are none), so that a file the reader
    misreads is refused instead of loading fewer rows. Returns the read_csv
    call (no sniffing: every column as text, bad lines kept aside in a
    rejects table), the header's column names, the problem (or none) and
    the record count. -#}
{% macro _csv_reader(export, file, path) -%}
    {%- set probe = run_query(
        "with f as (select size, try(decode(content)) as body from read_blob('"
        ~ path ~ "')), "
        ~ "split as (select size, body, string_split(replace(replace("
        ~ "coalesce(body, ''), chr(13) || chr(10), chr(10)), chr(13), "
        ~ "chr(10)), chr(10)) as lines from f), "
        ~ "numbered as (select unnest(lines) as line, "
        ~ "generate_subscripts(lines, 1) as n from split), "
        ~ "parity as (select line, sum(length(line) - length(replace(line, "
        ~ "'\"', ''))) over (order by n) % 2 as open_quote from numbered) "
        ~ "select size, body is null, ltrim(lines[1], chr(65279)), "
        ~ "coalesce(body, '') like '%' || chr(13) || chr(10) || '%' "
        ~ "and regexp_matches(coalesce(body, ''), '(^|[^' || chr(13) || '])' "
        ~ "|| chr(10)), "
        ~ "(select count(*) from parity where open_quote = 0 "
        ~ "and trim(line, chr(65279)) != '') - 1 "
        ~ "from split") -%}
    {%- set size, not_utf8, header, mixed_line_ends, records = probe.rows[0] -%}
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
    {%- set names = [] -%}
    {%- for name in header.split(',') -%}
        {%- do names.append(name | replace('"', '')) -%}
    {%- endfor -%}
    {%- set present, source_names, duplicate = retention._column_names(names) -%}
    {%- if ns.problem is none and duplicate is not none -%}
        {%- set ns.problem = duplicate -%}
    {%- endif -%}
    {%- set declared = [] -%}
    {%- for clean in present -%}
        {%- do declared.append("'" ~ clean | replace("'", "''")
            ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {%- set reader = "read_csv('" ~ path ~ "', auto_detect = false, "
        ~ "header = true, delim = ',', quote = '\"', escape = '\"', "
        ~ ("strict_mode = false, " if mixed_line_ends else "")
        ~ "encoding = 'utf-8', columns = {" ~ declared | join(', ') ~ "}, "
        ~ "store_rejects = true, rejects_table = 'raw_rejects_" ~ export
        ~ "', rejects_scan = 'raw_scans_" ~ export ~ "')" -%}
    {{ return((reader, present, ns.problem, records)) }}
{%- endmacro %}

{#- A file's column names as the contract reads them: trimmed of white
    space and lower-cased (a column without a name, as a header with a
    trailing comma has, is unnamed_column_<position>). Returns the clean names, a map from each clean
    name to the file's own spelling (for a Parquet file, whose columns are
    selected by name) and a problem when two columns read as the same name
    (a repeated header, or 'Started_At' beside 'started_at '), else none. -#}
{% macro _column_names(names) -%}
    {%- set present = [] -%}
    {%- set source_names = {} -%}
    {%- set repeated = [] -%}
    {%- for name in names -%}
        {#- a header ending in a comma has a column without a name -#}
        {%- set clean = name | trim | lower
            or 'unnamed_column_' ~ loop.index -%}
        {%- if clean in present and clean not in repeated -%}
            {%- do repeated.append(clean) -%}
        {%- endif -%}
        {%- do present.append(clean) -%}
        {%- do source_names.update({clean: name}) -%}
    {%- endfor -%}
    {%- set quoted = [] -%}
    {%- for name in repeated -%}
        {%- do quoted.append("'" ~ name ~ "'") -%}
    {%- endfor -%}
    {%- set problem = ("has column " ~ quoted | join(', ')
        ~ " more than once: keep one") if repeated else none -%}
    {{ return((present, source_names, problem)) }}
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
