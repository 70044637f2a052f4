#include "vk_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "crayon_blend.h"
#include "errors.h"

static pthread_once_t loader_once = PTHREAD_ONCE_INIT;
static PFN_vkGetInstanceProcAddr loader_entry;
static char loader_error[256];

static void open_loader(void) {
    /* The library stays loaded for the life of the process: drivers keep threads and state. */
    void *library = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libvulkan.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *why = dlerror();
        strncpy(loader_error, why ? why : "libvulkan.so.1 not found", sizeof loader_error - 1);
        return;
    }
    loader_entry = (PFN_vkGetInstanceProcAddr)dlsym(library, "vkGetInstanceProcAddr");
    if (!loader_entry) strncpy(loader_error, "libvulkan.so.1 has no vkGetInstanceProcAddr", sizeof loader_error - 1);
}

int32_t crayon_vk_instance_create(crayon_vk_functions *vk, VkInstance *instance) {
    memset(vk, 0, sizeof *vk);
    *instance = VK_NULL_HANDLE;
    pthread_once(&loader_once, open_loader);
    if (!loader_entry)
        return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "no Vulkan loader: %s", loader_error);
    vk->vkGetInstanceProcAddr = loader_entry;
    vk->vkCreateInstance = (PFN_vkCreateInstance)loader_entry(VK_NULL_HANDLE, "vkCreateInstance");
    vk->vkEnumerateInstanceVersion = (PFN_vkEnumerateInstanceVersion)loader_entry(VK_NULL_HANDLE, "vkEnumerateInstanceVersion");
    if (!vk->vkCreateInstance) return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "the Vulkan loader has no vkCreateInstance");
    uint32_t loader_version = VK_API_VERSION_1_0;
    if (vk->vkEnumerateInstanceVersion) vk->vkEnumerateInstanceVersion(&loader_version);
    if (loader_version < VK_API_VERSION_1_2)
        return crayon_fail(CRAYON_ERROR_NO_DEVICE, 0, "the Vulkan loader supports version %u.%u; Crayon needs 1.2",
                           VK_API_VERSION_MAJOR(loader_version), VK_API_VERSION_MINOR(loader_version));

    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "crayon",
        .pEngineName = "crayon_blend",
        .engineVersion = CRAYON_ABI_VERSION,
        .apiVersion = VK_API_VERSION_1_2,
    };
    VkInstanceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app};
    VkResult result = vk->vkCreateInstance(&info, NULL, instance);
    if (result == VK_ERROR_INCOMPATIBLE_DRIVER)
        return crayon_fail(CRAYON_ERROR_NO_DEVICE, result, "no Vulkan driver is installed (vkCreateInstance: VK_ERROR_INCOMPATIBLE_DRIVER)");
    if (result != VK_SUCCESS)
        return crayon_fail(result == VK_ERROR_OUT_OF_HOST_MEMORY ? CRAYON_ERROR_OUT_OF_MEMORY : CRAYON_ERROR_VULKAN, result,
                           "vkCreateInstance failed: %s", crayon_vk_result_name(result));
#define CRAYON_VK_LOAD(name)                                                                     \
    vk->name = (PFN_##name)loader_entry(*instance, #name);                                       \
    if (!vk->name) {                                                                             \
        return crayon_fail(CRAYON_ERROR_UNSUPPORTED, 0, "the Vulkan loader lacks " #name);       \
    }
    CRAYON_VK_INSTANCE_FUNCTIONS(CRAYON_VK_LOAD)
#undef CRAYON_VK_LOAD
    return CRAYON_OK;
}

int32_t crayon_vk_load_device(crayon_vk_functions *vk, VkDevice device) {
#define CRAYON_VK_LOAD(name)                                                                     \
    vk->name = (PFN_##name)vk->vkGetDeviceProcAddr(device, #name);                               \
    if (!vk->name) {                                                                             \
        return crayon_fail(CRAYON_ERROR_UNSUPPORTED, 0, "the Vulkan driver lacks " #name);       \
    }
    CRAYON_VK_DEVICE_FUNCTIONS(CRAYON_VK_LOAD)
#undef CRAYON_VK_LOAD
    return CRAYON_OK;
}
