{# Validation of raw export `marketing_spend` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('marketing', 'marketing_spend', parents=[
    ref('base_reference__fx_rates'),
]) }}
