namespace Crayon.Customization;

/// <summary>How the user's examples, each embedded, become one alpha.</summary>
public enum ExampleAggregation
{
    /// <summary>
    /// The paper's: alpha = softmax(sim(q_c, c_n) / tau) with q_c the mean of the examples' embeddings.
    /// </summary>
    MeanEmbedding,

    /// <summary>
    /// alpha = the mean over the examples of each example's own softmax(sim(q_x, c_n) / tau) (top-k applied to the mean):
    /// the share of the user's examples that fall near each adapter's indicator, as the paper's figure 3 plots per-example
    /// coefficients. A task spread over several clusters weights each by how many of its examples lie there, where the
    /// mean embedding may land near a cluster of other tasks.
    /// </summary>
    MeanAlpha,
}
