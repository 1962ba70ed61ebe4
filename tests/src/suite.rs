//! The suite, written once. Every test is an `async fn(&TestDb)` listed in [`all_tests!`], which
//! `tests/{sqlite,postgres,mysql}.rs` expand for their backend.

pub mod crud;
pub mod drift;
pub mod errors;
pub mod migrate_render;
pub mod migrate_run;
pub mod pool;
pub mod query;
pub mod transaction_options;
pub mod transactions;
pub mod types;

/// Every suite test, by module. Add new tests here.
#[macro_export]
macro_rules! all_tests {
    ($backend:ident) => {
        $crate::suite_module!(
            $backend,
            crud {
                insert_returns_the_generated_key,
                insert_ignores_the_key_field_of_an_auto_increment_key,
                insert_reads_back_columns_the_database_generates,
                a_generated_timestamp_finds_its_own_row,
                find_returns_the_row_or_none,
                get_of_a_missing_key_is_not_found,
                update_writes_every_column,
                update_of_an_unchanged_row_succeeds,
                update_columns_writes_only_the_given_column,
                update_columns_writes_a_tuple_of_columns,
                update_of_a_deleted_row_is_not_found,
                delete_returns_one_then_zero,
                a_composite_key_identifies_rows_by_every_column,
                a_string_key_keeps_the_given_value,
                a_custom_key_type_is_generated_and_found,
                skipped_fields_are_not_stored_and_read_as_default,
                table_and_column_overrides_name_the_database_objects,
                a_row_of_only_generated_columns_can_be_inserted,
                generated_columns_are_read_back_when_the_key_is_given,
                a_model_of_only_key_columns_is_inserted_found_and_deleted,
                a_model_can_reference_itself,
                exists_tells_whether_a_key_is_present,
                on_update_cascade_and_on_delete_set_null_follow_the_parent,
                on_delete_restrict_refuses_to_delete_a_referenced_parent,
            }
        );
        $crate::suite_module!(
            $backend,
            query {
                comparisons_select_the_rows_they_describe,
                is_in_matches_listed_values_and_an_empty_list_matches_nothing,
                like_patterns_match_and_escaped_text_matches_literally,
                is_null_and_is_not_null_test_optional_columns,
                and_or_not_combine_with_the_usual_precedence,
                order_by_sorts_by_each_column_in_turn,
                limit_and_offset_page_through_ordered_rows,
                first_returns_the_first_row_or_none,
                first_on_an_empty_table_is_none,
                one_requires_exactly_one_matching_row,
                all_returns_every_matching_row,
                count_respects_filters_limit_and_offset,
                exists_tells_whether_any_row_matches,
                stream_yields_every_matching_row,
                a_dropped_half_read_stream_does_not_hide_later_writes,
                update_many_sets_matching_rows_and_returns_their_count,
                delete_many_removes_matching_rows_and_returns_their_count,
                bulk_writes_without_a_filter_are_refused_unless_all_rows,
                an_in_list_over_the_parameter_limit_is_refused,
                unchecked_sql_binds_its_arguments,
                quotes_and_injection_attempts_are_stored_verbatim,
                the_largest_limit_returns_every_row,
                first_one_and_exists_stay_within_limit_and_offset,
            }
        );
        $crate::suite_module!(
            $backend,
            types {
                every_type_round_trips_exactly,
                every_type_round_trips_through_update,
                filtering_by_each_type_finds_its_row,
                ordering_compares_values_of_the_type,
                optional_columns_round_trip_some_and_none,
                enum_variants_are_stored_as_their_names,
                an_enum_value_outside_its_set_is_rejected_by_the_database,
                reading_an_unknown_enum_value_is_a_decode_error,
                a_custom_type_that_rejects_a_stored_value_is_a_decode_error,
                text_columns_hold_long_values_and_max_length_is_declared,
                decimals_are_equal_at_any_scale_and_ordered_as_text_only_on_sqlite,
            }
        );
        $crate::suite_module!(
            $backend,
            migrate_render {
                a_rendered_diff_migrates_up_and_its_reverse_migrates_down,
                declared_renames_keep_the_data_and_leave_the_tables_as_if_created_renamed,
            }
        );
        $crate::suite_module!(
            $backend,
            migrate_run {
                migrations_apply_once_record_their_checksums_and_roll_back,
                a_required_column_added_to_a_table_with_rows_takes_the_backfill_value,
                a_widened_type_keeps_values_past_the_old_range,
                a_narrowed_type_refuses_values_that_do_not_fit,
                a_unique_index_over_duplicates_fails_clearly_and_leaves_what_the_dialect_allows,
                a_failed_migration_resolved_as_applied_counts_as_applied,
                composite_keys_and_a_cascading_foreign_key_work_once_migrated,
                a_declared_column_rename_keeps_the_data_both_ways,
                an_enum_gaining_a_value_accepts_it_only_once_migrated,
                a_table_rebuild_keeps_rows_keys_and_foreign_keys,
                an_edited_or_missing_applied_migration_is_refused_by_name,
                out_of_order_migrations_are_refused_unless_allowed,
                two_runners_started_at_once_apply_each_migration_exactly_once,
                a_runner_waits_for_the_lock_and_times_out_with_a_typed_error,
                a_setting_a_migration_changes_does_not_reach_the_pool,
                a_migration_that_controls_the_transaction_itself_is_refused,
                a_dangling_reference_after_a_rebuild_rolls_the_migration_back,
                a_cancelled_run_releases_the_lock_and_leaves_nothing_half_done,
                a_down_migration_failing_halfway_leaves_what_the_dialect_allows,
                a_failed_rollback_resolved_as_applied_rolls_back_again_later,
                a_pool_used_before_a_migration_reads_the_new_schema_after_it,
            }
        );
        $crate::suite_module!(
            $backend,
            drift {
                a_table_covet_created_has_no_drift,
                a_dropped_column_is_reported,
                a_changed_type_is_reported,
                an_extra_table_is_reported,
                a_missing_index_and_foreign_key_are_reported,
                extra_indexes_keys_and_checks_are_reported,
                enum_values_defaults_and_nullability_are_compared,
            }
        );
        $crate::suite_module!(
            $backend,
            errors {
                a_duplicate_unique_value_is_a_unique_violation,
                a_duplicate_primary_key_is_a_unique_violation,
                a_child_row_whose_parent_is_missing_is_a_foreign_key_violation,
                deleting_a_referenced_parent_is_a_foreign_key_violation,
                null_in_a_not_null_column_is_a_not_null_violation,
                a_value_outside_an_enum_is_a_check_violation,
                a_missing_row_is_not_found,
                text_read_into_an_integer_field_is_a_decode_error,
                a_value_its_type_refuses_is_an_encode_or_decode_error,
                a_write_blocked_past_the_lock_timeout_is_a_lock_timeout,
                locking_rows_in_opposite_orders_is_a_deadlock,
                a_write_over_a_concurrent_change_is_a_serialization_failure,
                two_sqlite_readers_that_both_write_fail_the_second_at_once_as_a_lock_timeout,
                a_statement_past_its_time_limit_is_a_statement_timeout,
                a_killed_session_is_connection_lost,
                waiting_for_a_busy_pool_past_the_acquire_timeout_is_a_pool_timeout,
                a_server_that_cannot_be_reached_is_connection_refused,
                an_unknown_user_is_an_authentication_failure,
                an_unknown_database_is_unknown_database,
                a_malformed_url_is_a_configuration_error,
            }
        );
        $crate::suite_module!(
            $backend,
            transactions {
                the_closure_commits_on_ok_and_rolls_back_on_err,
                explicit_transactions_commit_roll_back_and_roll_back_when_dropped,
                rolling_back_a_nested_level_keeps_the_outer_work,
                a_failed_statement_makes_the_commit_fail_even_when_ignored,
                a_failure_inside_a_rolled_back_savepoint_does_not_block_the_commit,
                commit_callbacks_wait_for_the_outermost_commit,
                a_read_only_transaction_refuses_writes_and_leaves_the_connection_writable,
                every_isolation_level_begins_in_the_dialects_syntax,
                a_transaction_past_its_timeout_is_rolled_back,
                aborted_tasks_never_leave_a_connection_in_a_transaction,
                a_deadlock_is_retried_and_both_transfers_land_once,
                two_sqlite_writers_are_retried_until_both_land,
                sessions_and_transactions_run_the_same_code,
                a_stream_error_the_code_caught_makes_the_commit_fail,
                a_cancelled_statement_makes_the_commit_fail_and_commits_nothing,
                a_stream_abandoned_early_is_no_failure,
                a_stream_abandoned_before_a_row_that_fails_on_the_server_cannot_commit,
                a_connection_lost_during_commit_is_an_unknown_outcome_never_retried,
                a_begin_cancelled_while_blocked_leaves_no_connection_in_a_transaction,
                a_commit_cancelled_while_the_server_runs_it_has_an_unknown_outcome,
                a_connection_killed_mid_transaction_ends_as_a_rollback,
                transaction_control_through_the_escape_hatch_is_refused,
            }
        );
        $crate::suite_module!(
            $backend,
            transaction_options {
                a_statement_running_past_the_timeout_is_stopped_by_the_server_and_rolled_back,
                the_commit_after_the_deadline_is_a_timeout_and_commits_nothing,
                the_server_reports_the_isolation_level_and_read_only_mode_asked_for,
                sqlite_lock_modes_decide_when_a_second_writer_is_refused,
                a_write_in_a_read_only_transaction_fails_on_every_backend,
                errors_that_are_not_transient_are_never_retried,
                a_caught_transient_error_fails_the_commit_and_the_policy_runs_the_closure_again,
                a_transaction_open_past_the_threshold_is_reported_once_with_its_call_site,
            }
        );
        $crate::suite_module!(
            $backend,
            pool {
                pool_statistics_follow_acquires_and_returns,
                live_statistics_count_idle_and_waiting_tasks_and_time_contended_acquires,
                an_acquire_past_the_timeout_says_how_busy_the_pool_is,
                more_tasks_than_connections_all_finish_and_every_connection_comes_back,
                idle_connections_are_closed_after_the_idle_timeout,
                a_connection_past_its_max_lifetime_is_replaced,
                a_default_sqlite_file_database_uses_wal_a_busy_timeout_and_foreign_keys,
                a_connection_held_past_the_threshold_is_reported_once_with_its_call_site,
                a_half_read_stream_held_past_the_threshold_is_reported_with_its_call_site,
                a_long_transaction_is_reported,
                a_connection_killed_mid_transaction_loses_the_transaction_and_is_replaced,
                every_connection_dropped_by_the_server_while_idle_is_replaced,
                a_refused_port_is_reported_as_such_at_connect,
                a_server_gone_after_connect_is_reported_at_acquire_as_refused,
                a_database_gone_after_connect_is_reported_at_acquire_not_as_a_timeout,
                a_login_refused_after_connect_is_reported_at_acquire,
                a_wrong_password_for_a_real_user_is_an_authentication_failure,
            }
        );
    };
}
