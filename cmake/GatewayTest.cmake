# gateway_add_test(NAME name SOURCES ... [LIBS ...] [LABELS ...] [TIMEOUT s] [BOTH_ENGINES])
# One Qt Test executable per suite, registered with CTest, run without a display.
# BOTH_ENGINES: the suite's gateways and stores take their database from TestDatabase (tests/support), and
# the suite is registered a second time, as NAME_postgres with the label `postgres` alone, to run against
# the throwaway cluster of tests/support/with-postgres.sh (each process in databases of its own).
function(gateway_add_test)
    cmake_parse_arguments(T "BOTH_ENGINES" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    qt_add_executable(${T_NAME} ${T_SOURCES})
    set_target_properties(${T_NAME} PROPERTIES MACOSX_BUNDLE OFF WIN32_EXECUTABLE OFF)
    target_link_libraries(${T_NAME} PRIVATE Qt6::Test gateway_options ${T_LIBS})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set(environment "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=gateway.*.debug=false")
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES
        LABELS "${T_LABELS}"
        TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "${environment}")
    if(T_BOTH_ENGINES)
        target_link_libraries(${T_NAME} PRIVATE gateway_test_database)
        add_test(NAME ${T_NAME}_postgres COMMAND ${T_NAME})
        # A gateway on PostgreSQL starts in about a second (a server process per connection, the tables emptied
        # between tests) where one on a new SQLite file takes a tenth: suites that start one per test row need
        # longer.
        math(EXPR postgres_timeout "${T_TIMEOUT} * 3")
        set_tests_properties(${T_NAME}_postgres PROPERTIES
            LABELS postgres
            TIMEOUT ${postgres_timeout}
            ENVIRONMENT "${environment};LLMGW_TEST_ENGINE=postgres")
    endif()
endfunction()
