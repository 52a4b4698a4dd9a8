{# Validation of raw export `invoices` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('billing', 'invoices', parents=[
    ref('base_billing__customers'),
    ref('base_billing__subscriptions'),
    ref('base_reference__fx_rates'),
]) }}
