namespace Crayon.Evaluation;

/// <summary>The adapters the customization benchmark compares (issue 4), in table order.</summary>
public enum CustomizationMethod
{
    /// <summary>The base model, no adapter.</summary>
    Base,

    /// <summary>All base adapters with alpha = 1/N.</summary>
    Uniform,

    /// <summary>The single base adapter with the lowest NLL on the user's examples.</summary>
    BestSingle,

    /// <summary>LoraHub-style gradient-free search of alpha on the user's examples.</summary>
    Search,

    /// <summary>Crayon: alpha from the similarity of q_c to the centroids.</summary>
    Crayon,

    /// <summary>An adapter trained on the task's whole train split (the upper reference).</summary>
    Oracle,
}
