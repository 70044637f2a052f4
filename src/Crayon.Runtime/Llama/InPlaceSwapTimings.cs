namespace Crayon.Llama;

/// <summary>
/// Where a pipelined in-place swap (<see cref="InPlaceAdapter.SwapFrom"/>) spent its time, in microseconds. The milestones
/// run from the start of the call on one clock; the read-back and the upload overlap, so they do not add up.
/// </summary>
/// <param name="BlendMicroseconds">The blend kernel alone (GPU timestamps when <paramref name="DeviceTimed"/>, else wall time).</param>
/// <param name="FirstLandedMicroseconds">Until the first chunk was in the image (its upload starts then).</param>
/// <param name="ReadBackDoneMicroseconds">Until the last chunk was in the image (its upload starts once the previous chunks' are done).</param>
/// <param name="UploadDoneMicroseconds">Until the last chunk was in llama.cpp's tensors: the adapter is live from here.</param>
/// <param name="TotalMicroseconds">The whole call (the context's cached tokens dropped too).</param>
/// <param name="UploadingMicroseconds">Time spent uploading, all chunks together.</param>
/// <param name="Chunks">Chunks the image was read back in.</param>
/// <param name="Uploads">Uploads into llama.cpp: one per report of landed chunks (chunks that landed during an upload go together).</param>
/// <param name="DeviceTimed">True when the blend figure comes from GPU timestamps.</param>
public readonly record struct InPlaceSwapTimings(
    double BlendMicroseconds,
    double FirstLandedMicroseconds,
    double ReadBackDoneMicroseconds,
    double UploadDoneMicroseconds,
    double TotalMicroseconds,
    double UploadingMicroseconds,
    int Chunks,
    int Uploads,
    bool DeviceTimed);
