{#- Every generic data test of the kinds that `make run` runs in batches
    is run by its model's batched_data_tests test, or tagged `unbatched`
    (then `make run` runs it alone): one row per test that is neither,
    which the selector make_run would leave out and nothing would check
    (macro batched_data_tests_uncovered). -#}
{{ retention.batched_data_tests_uncovered() }}
