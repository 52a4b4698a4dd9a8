{# One row per fit (model and segment) and parameter, identified, not
   identified or failed (see the yml). The fits
   are maximum-likelihood estimates computed in Python: on DuckDB by the
   dbt Python model int_clv_parameters_fitted; on PostgreSQL and Spark,
   which run no dbt Python models, by the CLI, which builds the fit
   inputs, fits them with the same function and hands the rows to this
   model in var clv_fitted_parameters (each value as text cast to double,
   which every engine parses to the same bits). #}

{%- set fitted = var('clv_fitted_parameters', none) %}
{#- a quote inside a text literal: doubled, or escaped on Spark, which
    reads '' as two adjacent literals #}
{%- set quote = "\\'" if target.type == 'spark' else "''" %}
{%- set backslash = '\\\\' if target.type == 'spark' else '\\' %}

{%- set columns = [
    ('model', dbt.type_string()), ('segment', dbt.type_string()),
    ('parameter', dbt.type_string()), ('value', type_double()),
    ('standard_error', type_double()), ('log_likelihood', type_double()),
    ('n_customers', dbt.type_bigint()), ('time_unit', dbt.type_string()),
    ('as_of_date', 'date'), ('fit_scope', dbt.type_string()),
    ('contract_months', dbt.type_bigint()), ('cohort_month', 'date'),
    ('fit_status', dbt.type_string()), ('is_identified', dbt.type_boolean()),
    ('status_reason', dbt.type_string())] %}

{%- if fitted is none %}

select
    model,
    segment,
    parameter,
    value,
    standard_error,
    log_likelihood,
    n_customers,
    time_unit,
    as_of_date,
    fit_scope,
    contract_months,
    cohort_month,
    fit_status,
    is_identified,
    status_reason

from {{ ref('int_clv_parameters_fitted') }}

{%- else %}

{%- for row in fitted %}
select
    {%- for name, data_type in columns %}
    {%- if row[loop.index0] is none %}
    cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- else %}
    cast('{{ row[loop.index0] | string | replace('\\', backslash)
        | replace("'", quote) }}'
        as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endif %}
    {%- endfor %}
{{ 'union all' if not loop.last }}
{%- endfor %}

{%- if not fitted %}
select
    {%- for name, data_type in columns %}
    cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
where 1 = 0
{%- endif %}

{%- endif %}
