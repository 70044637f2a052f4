namespace Crayon.Evaluation;

/// <summary>The verdict on one multiple-choice item.</summary>
/// <param name="Gold">The gold choice index.</param>
/// <param name="Predicted">The highest-scoring choice; among exact ties the lowest index.</param>
/// <param name="TiedAtTop">How many choices share the top score (1 when the maximum is unique).</param>
/// <param name="Credit">Accuracy credit: 1/<paramref name="TiedAtTop"/> when the gold choice is among the tied best, else 0,
/// i.e. the expected accuracy of breaking ties uniformly at random. Identical choice strings (csqa repeats its gold
/// answer 48 times) get identical scores, and neither index-order luck nor a rule that favours index 0 should decide them.</param>
/// <param name="GoldNll">-log P(gold continuation | prompt), summed over its tokens.</param>
/// <param name="GoldNllPerToken"><paramref name="GoldNll"/> divided by the gold continuation's token count.</param>
/// <param name="Scores">The normalised score of every choice, in choice order.</param>
public sealed record ItemScore(int Gold, int Predicted, int TiedAtTop, double Credit, double GoldNll, double GoldNllPerToken, double[] Scores)
{
    /// <summary>True when the (tie-broken) prediction is the gold index.</summary>
    public bool IsCorrect => Predicted == Gold;
}
