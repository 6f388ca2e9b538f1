int fixture_wait_nothing(void);
