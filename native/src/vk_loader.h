/* Vulkan is loaded at run time (dlopen of libvulkan.so.1), not linked: without a Vulkan loader
 * the library still loads and the CPU path still works. Every entry point we call is listed
 * here and resolved per instance / per device. */
#ifndef CRAYON_VK_LOADER_H
#define CRAYON_VK_LOADER_H
#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <stdint.h>

#define CRAYON_VK_INSTANCE_FUNCTIONS(X)          \
    X(vkDestroyInstance)                         \
    X(vkEnumeratePhysicalDevices)                \
    X(vkGetPhysicalDeviceProperties)             \
    X(vkGetPhysicalDeviceProperties2)            \
    X(vkGetPhysicalDeviceFeatures2)              \
    X(vkGetPhysicalDeviceMemoryProperties)       \
    X(vkGetPhysicalDeviceQueueFamilyProperties)  \
    X(vkCreateDevice)                            \
    X(vkGetDeviceProcAddr)

#define CRAYON_VK_DEVICE_FUNCTIONS(X)  \
    X(vkDestroyDevice)                 \
    X(vkGetDeviceQueue)                \
    X(vkDeviceWaitIdle)                \
    X(vkCreateCommandPool)             \
    X(vkDestroyCommandPool)            \
    X(vkAllocateCommandBuffers)        \
    X(vkResetCommandBuffer)            \
    X(vkBeginCommandBuffer)            \
    X(vkEndCommandBuffer)              \
    X(vkCreateFence)                   \
    X(vkDestroyFence)                  \
    X(vkResetFences)                   \
    X(vkWaitForFences)                 \
    X(vkQueueSubmit)                   \
    X(vkCreateBuffer)                  \
    X(vkDestroyBuffer)                 \
    X(vkGetBufferMemoryRequirements)   \
    X(vkAllocateMemory)                \
    X(vkFreeMemory)                    \
    X(vkBindBufferMemory)              \
    X(vkMapMemory)                     \
    X(vkUnmapMemory)                   \
    X(vkFlushMappedMemoryRanges)       \
    X(vkInvalidateMappedMemoryRanges)  \
    X(vkGetBufferDeviceAddress)        \
    X(vkCreateShaderModule)            \
    X(vkDestroyShaderModule)           \
    X(vkCreatePipelineCache)           \
    X(vkDestroyPipelineCache)          \
    X(vkCreatePipelineLayout)          \
    X(vkDestroyPipelineLayout)         \
    X(vkCreateComputePipelines)        \
    X(vkDestroyPipeline)               \
    X(vkCreateQueryPool)               \
    X(vkDestroyQueryPool)              \
    X(vkGetQueryPoolResults)           \
    X(vkCmdResetQueryPool)             \
    X(vkCmdWriteTimestamp)             \
    X(vkCmdBindPipeline)               \
    X(vkCmdPushConstants)              \
    X(vkCmdDispatch)                   \
    X(vkCmdPipelineBarrier)            \
    X(vkCmdCopyBuffer)                 \
    X(vkCmdFillBuffer)                 \
    X(vkCmdUpdateBuffer)               \
    X(vkCreateEvent)                   \
    X(vkDestroyEvent)                  \
    X(vkGetEventStatus)                \
    X(vkResetEvent)                    \
    X(vkCmdSetEvent)

typedef struct crayon_vk_functions {
    PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr;
    PFN_vkCreateInstance vkCreateInstance;
    PFN_vkEnumerateInstanceVersion vkEnumerateInstanceVersion;
#define CRAYON_VK_DECLARE(name) PFN_##name name;
    CRAYON_VK_INSTANCE_FUNCTIONS(CRAYON_VK_DECLARE)
    CRAYON_VK_DEVICE_FUNCTIONS(CRAYON_VK_DECLARE)
#undef CRAYON_VK_DECLARE
} crayon_vk_functions;

/* Creates a Vulkan 1.2 instance and loads its functions. CRAYON_ERROR_NO_DEVICE when there is
 * no Vulkan loader or driver (not an error for callers that can fall back to the CPU). */
int32_t crayon_vk_instance_create(crayon_vk_functions *vk, VkInstance *instance);
/* Loads the device-level functions (after vkCreateDevice). */
int32_t crayon_vk_load_device(crayon_vk_functions *vk, VkDevice device);

#endif
