{#- Data tests on the new rows of an incremental model.

    An incremental model whose config.meta names a `new_rows_column` (the
    column built_at: the start of the run that wrote the row) can have its
    generic data tests check only the rows of the latest run that wrote
    it (built_at = its maximum), instead of every row. dbt wraps the model
    of every generic test in get_where_subquery; this override of dbt's
    default adds that filter (to any `where` the test has) when the
    environment variable RETENTION_DATA_TESTS is `new_rows`; otherwise,
    and for singular tests, which read the model themselves, every row is
    checked.

    Checking the new rows is equivalent to checking all rows when:
      - the kept rows were checked before, with the same code and vars,
        and passed (a failed run does not roll back an incremental table):
        the CLI sets new_rows only after a published run of the same code,
        vars and target, and checks all rows every var
        data_tests_all_rows_every_days days or with FULL_CHECK=1;
      - each test is row by row (not_null, accepted_range, accepted_values,
        the child side of relationships) or a key test, and the model's
        incremental run rewrites whole keys: the rows it writes never share
        a key with the rows it keeps (base_product__events appends the raw
        rows whose key the table no longer holds; the user-day model and
        the weekly health inputs delete whole days or snapshots and
        compute them again). A model with an aggregate generic test must
        not name a new_rows_column.
    Installed as a package in another project, this override is not the
    root project's and every row is checked. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {#- the mode, read only when executing: read while parsing, the
        variable would make a change of its value parse the tests again -#}
    {%- set column = retention.new_rows_column()
        if execute and env_var('RETENTION_DATA_TESTS', 'all_rows') == 'new_rows'
        else none -%}
    {%- if column -%}
        {%- do conditions.append(column ~ ' = (select max(' ~ column
            ~ ') from ' ~ relation ~ ')') -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#- The new_rows_column (config.meta) of the model the test being compiled
    is attached to, or none. -#}
{% macro new_rows_column() -%}
    {%- set attached = retention.current_node().get('attached_node') -%}
    {%- set node = graph.nodes.get(attached) if attached else none -%}
    {%- if node is none or node.resource_type != 'model' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return((node.config.meta or {}).get('new_rows_column')) }}
{%- endmacro %}
