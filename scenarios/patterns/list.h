/* list.h - the family's patterns, one line each, in the order --help and
 * the registry show them: RT_PATTERN(id) names the descriptor
 * rt_pattern_<id>, defined in its own file here.  Included (with
 * RT_PATTERN defined) by registry.h and registry.c only. */
RT_PATTERN(unchecked_suspend) /* P2, p2_unchecked_suspend.c */
RT_PATTERN(handle_reuse)      /* P3, p3_handle_reuse.c */
RT_PATTERN(after_dropm)       /* P4, p4_after_dropm.c */
RT_PATTERN(async_suspend)     /* P5, p5_async_suspend.c */
RT_PATTERN(self_suspend)      /* P6, p6_self_suspend.c */
RT_PATTERN(suspended_holder)  /* P7, p7_suspended_holder.c */
RT_PATTERN(teardown_sample)   /* P8, p8_teardown_sample.c */
