{# Validation of raw export `payments` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('billing', 'payments', parents=[
    ref('base_billing__invoices'),
    ref('base_billing__customers'),
    ref('base_reference__fx_rates'),
]) }}
