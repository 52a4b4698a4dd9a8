{#- Generic test: the model's row and key tests in one query.

    Declared once per model (or seed) that has generic data tests of the
    kinds in batched_data_test_names(). It runs each such test of the model
    that batched_data_test() accepts, as the test's own macro writes it,
    inside one query: a row per failing test, with the test's name and its
    number of failing rows. It passes exactly when each of them would.

    `make run` (selector make_run) runs these tests in place of the
    individual ones: dbt's own work per test node (compiling, running and
    recording it: tens of milliseconds) was most of the cost of a data
    test, and a model has up to 80 of them. Written for any engine; only
    `make run` on DuckDB runs it (the server targets build with the
    default selector). Plain `dbt build` runs the individual tests
    (the default selector leaves these out): their results, one per column
    test, are what the lineage docs and dbt's output show. The singular
    test project/batched_data_tests__cover_every_generic_test fails when a
    test of these kinds is neither batched nor tagged `unbatched`, so
    nothing the selector leaves out goes unchecked. Installed as a package
    in another project (whose builds run the individual tests), a batch
    checks nothing. -#}
{% test batched_data_tests(model) %}

{%- set failing = [] -%}
{%- set batch = retention.current_node() -%}
{#- installed as a package in another project, whose builds run the
    individual tests (no selector of ours), a batch checks nothing -#}
{%- if execute and batch.package_name == project_name -%}
    {%- set tested = batch.attached_node -%}
    {#- the attachment first: it is cheap, the macro call is not -#}
    {%- for node in graph.nodes.values()
        if node.attached_node == tested
        and retention.batched_data_test(node) -%}
        {%- set test_sql = retention.batched_test_sql(node, model) -%}
        {%- do failing.append(
            "select '" ~ node.name | replace("'", "''")
            ~ "' as failing_test, count(*) as failing_rows"
            ~ " from (\n" ~ test_sql ~ "\n) as test_failures having count(*) > 0"
        ) -%}
    {%- endfor -%}
{%- endif -%}

{%- if failing %}
{{ failing | join('\n\nunion all\n\n') }}
{%- else %}
select
    'none' as failing_test,
    0 as failing_rows
where 1 = 0
{%- endif %}

{% endtest %}


{#- The kinds of generic test a batched_data_tests test runs; the selector
    make_run (selectors.yml) leaves out the individual tests of the same
    kinds (a test checks that the two lists agree). `relationships` is not
    among them: its other model is an argument written in Jinja. -#}
{% macro batched_data_test_names() -%}
    {{ return(['not_null', 'unique', 'accepted_values', 'accepted_range',
        'expression_is_true', 'unique_combination_of_columns']) }}
{%- endmacro %}


{#- Whether a batched_data_tests test runs this node: a generic test of
    one of those kinds, with dbt's default failure settings, arguments free
    of Jinja (a batched test cannot render them) and not tagged
    `unbatched`. -#}
{% macro batched_data_test(node) -%}
    {%- if node.resource_type != 'test' or not node.test_metadata
        or node.test_metadata.name not in retention.batched_data_test_names()
        or node.test_metadata.namespace
        or 'unbatched' in node.tags -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set config = node.config -%}
    {%- set arguments = [] -%}
    {%- for key, value in node.test_metadata.kwargs.items() if key != 'model' -%}
        {%- do arguments.append(value | string) -%}
    {%- endfor -%}
    {%- set text = arguments | join(' ') -%}
    {{ return(
        (config.severity | lower) == 'error'
        and not config.where
        and config.limit is none
        and config.fail_calc == 'count(*)'
        and config.warn_if == '!= 0'
        and config.error_if == '!= 0'
        and not config.store_failures
        and '{{' not in text and '{%' not in text
    ) }}
{%- endmacro %}


{#- The SQL of one batched test (its failing rows) on `relation`: the same
    macro the individual test calls, with its arguments. -#}
{% macro batched_test_sql(node, relation) -%}
    {%- set name = node.test_metadata.name -%}
    {%- set arguments = node.test_metadata.kwargs -%}
    {%- if name == 'not_null' -%}
        {{ return(adapter.dispatch('test_not_null', 'dbt')(
            relation, arguments.column_name)) }}
    {%- elif name == 'unique' -%}
        {{ return(adapter.dispatch('test_unique', 'dbt')(
            relation, arguments.column_name)) }}
    {%- elif name == 'accepted_values' -%}
        {{ return(adapter.dispatch('test_accepted_values', 'dbt')(
            relation, arguments.column_name, arguments['values'],
            arguments.get('quote', true))) }}
    {%- elif name == 'accepted_range' -%}
        {{ return(test_accepted_range(
            relation, arguments.column_name, arguments.get('min_value'),
            arguments.get('max_value'))) }}
    {%- elif name == 'expression_is_true' -%}
        {{ return(test_expression_is_true(
            relation, arguments.expression, arguments.get('where_clause'))) }}
    {%- elif name == 'unique_combination_of_columns' -%}
        {{ return(test_unique_combination_of_columns(
            relation, arguments.combination_of_columns)) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        'batched_data_tests cannot run a test of kind ' ~ name) }}
{%- endmacro %}


{#- The node being compiled (dbt's `model`, which a generic test's own
    argument of that name hides). -#}
{% macro current_node() -%}
    {{ return(model) }}
{%- endmacro %}


{#- A query with one row (test_name, reason) per generic test of the
    batched kinds that no batched_data_tests test runs and that is not
    tagged `unbatched`; no rows when there is none (the singular test
    project/batched_data_tests__cover_every_generic_test). -#}
{% macro batched_data_tests_uncovered() -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {#- this project's tests only (installed as a package, not the
            other project's) -#}
        {%- set package = retention.current_node().package_name -%}
        {%- set batched_nodes = [] -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'test' and node.test_metadata
            and node.test_metadata.name == 'batched_data_tests' -%}
            {%- do batched_nodes.append(node.attached_node) -%}
        {%- endfor -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'test' and node.test_metadata
            and node.package_name == package
            and node.test_metadata.name in retention.batched_data_test_names()
            and 'unbatched' not in node.tags -%}
            {%- if not retention.batched_data_test(node) -%}
                {%- set reason = 'a test with Jinja in its arguments, a'
                    ~ ' namespace or other than the default settings cannot'
                    ~ ' run in a batch: tag it unbatched' -%}
            {%- elif node.attached_node not in batched_nodes -%}
                {%- set reason = 'its node (' ~ node.attached_node ~ ') has'
                    ~ ' no batched_data_tests test: add one to its data_tests'
                -%}
            {%- else -%}
                {%- set reason = none -%}
            {%- endif -%}
            {%- if reason -%}
                {%- do rows.append("select '" ~ node.name | replace("'", "''")
                    ~ "' as test_name, '"
                    ~ reason ~ "' as reason") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rows -%}
        {{ return(rows | join('\nunion all\n')) }}
    {%- endif -%}
    {{ return("select 'none' as test_name, 'none' as reason where 1 = 0") }}
{%- endmacro %}
