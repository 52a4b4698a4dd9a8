{# One row per fit (model and segment) and parameter, identified, not
   identified or failed (see the yml). The fits
   are maximum-likelihood estimates computed in Python: on DuckDB by the
   dbt Python model int_clv_parameters_fitted; on PostgreSQL and Spark,
   which run no dbt Python models, by the CLI, which builds the fit
   inputs, fits them with the same function and hands the rows to this
   model in var clv_fitted_parameters (each value as text cast to double,
   which every engine parses to the same bits). #}

{%- set fitted = var('clv_fitted_parameters', none) %}

{%- set columns = [
    ('model', dbt.type_string()), ('segment', dbt.type_string()),
    ('parameter', dbt.type_string()), ('value', type_double()),
    ('standard_error', type_double()), ('log_likelihood', type_double()),
    ('n_customers', dbt.type_bigint()), ('time_unit', dbt.type_string()),
    ('as_of_date', 'date'), ('fit_scope', dbt.type_string()),
    ('contract_months', dbt.type_bigint()), ('cohort_month', 'date'),
    ('fit_status', dbt.type_string()), ('is_identified', dbt.type_boolean()),
    ('status_reason', dbt.type_string()), ('penalizer', type_double())] %}

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
    status_reason,
    penalizer

from {{ ref('int_clv_parameters_fitted') }}

{%- else %}

{{ literal_rows(fitted, columns) }}

{%- endif %}
