{# Validation of raw export `fx_rates` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('reference', 'fx_rates') }}
