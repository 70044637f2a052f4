/* Thread-local last-error state behind crayon_last_error / crayon_last_vk_result. */
#ifndef CRAYON_ERRORS_H
#define CRAYON_ERRORS_H
#include <stdint.h>

void crayon_error_clear(void);
/* Records the failure and returns `status`, so callers can `return crayon_fail(...)`. */
int32_t crayon_fail(int32_t status, int32_t vk_result, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
const char *crayon_error_message(void);
int32_t crayon_error_vk_result(void);
/* VK_ERROR_DEVICE_LOST etc. as text; "VkResult(<n>)" when unknown. */
const char *crayon_vk_result_name(int32_t result);

#endif
