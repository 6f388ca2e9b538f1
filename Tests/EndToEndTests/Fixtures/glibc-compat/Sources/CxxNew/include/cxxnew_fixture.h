#ifdef __cplusplus
extern "C" {
#endif
int fixture_checked_sum(int count);
int fixture_random_varies(void);
#ifdef __cplusplus
}
#endif
