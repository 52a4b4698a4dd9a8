{# One row per input of the churn-risk model and one for its intercept
   (see the yml). The logistic regression is fitted in Python
   (retention_lib.churn_risk.fit_from_inputs): on DuckDB by the dbt Python
   model int_churn_risk_fitted; on PostgreSQL and Spark by the CLI, which
   hands the rows to this model in var churn_risk_parameters, as it does
   the lifetime-value fits. #}

{%- set fitted = var('churn_risk_parameters', none) %}

{%- set columns = [
    ('input_name', dbt.type_string()), ('description', dbt.type_string()),
    ('training_median', type_double()), ('training_mean', type_double()),
    ('training_scale', type_double()), ('coefficient', type_double()),
    ('l2', type_double()), ('training_observations', dbt.type_bigint()),
    ('training_churned', dbt.type_bigint()), ('split_date', 'date'),
    ('as_of_date', 'date')] %}

{%- if fitted is none %}

select
    input_name,
    description,
    training_median,
    training_mean,
    training_scale,
    coefficient,
    l2,
    training_observations,
    training_churned,
    split_date,
    as_of_date

from {{ ref('int_churn_risk_fitted') }}

{%- else %}

{{ literal_rows(fitted, columns) }}

{%- endif %}
