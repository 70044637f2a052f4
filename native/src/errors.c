#include "errors.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[1024];
static _Thread_local int32_t last_vk_result;

void crayon_error_clear(void) {
    last_message[0] = '\0';
    last_vk_result = 0;
}

int32_t crayon_fail(int32_t status, int32_t vk_result, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(last_message, sizeof last_message, format, args);
    va_end(args);
    last_vk_result = vk_result;
    return status;
}

const char *crayon_error_message(void) { return last_message; }
int32_t crayon_error_vk_result(void) { return last_vk_result; }

const char *crayon_vk_result_name(int32_t result) {
    switch (result) {
    case 0: return "VK_SUCCESS";
    case 1: return "VK_NOT_READY";
    case 2: return "VK_TIMEOUT";
    case -1: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case -2: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case -3: return "VK_ERROR_INITIALIZATION_FAILED";
    case -4: return "VK_ERROR_DEVICE_LOST";
    case -5: return "VK_ERROR_MEMORY_MAP_FAILED";
    case -6: return "VK_ERROR_LAYER_NOT_PRESENT";
    case -7: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case -8: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case -9: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case -10: return "VK_ERROR_TOO_MANY_OBJECTS";
    case -11: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    case -12: return "VK_ERROR_FRAGMENTED_POOL";
    case -13: return "VK_ERROR_UNKNOWN";
    case -1000069000: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case -1000257000: return "VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS";
    default: {
        static _Thread_local char text[32];
        snprintf(text, sizeof text, "VkResult(%d)", (int)result);
        return text;
    }
    }
}
