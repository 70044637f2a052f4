using Crayon.Customization;
using Crayon.Hybrid;
using Crayon.Pool.Building;

namespace Crayon.Tasks;

/// <summary>A QA item as the hybrid reads a multiple-choice query: the figure-2 prompt per choice, the item's id as key.</summary>
public sealed record QaChoiceQuery(QaItem Item) : IChoiceQuery
{
    public string Key => Item.Id;
    public string QueryText(PromptBudget budget) => QaPrompt.QueryText(Item, budget);
    public IReadOnlyList<ChoicePrompt> Choices(PromptBudget budget) => QaPrompt.ForScoring(Item, budget).Choices;
    public string ChoiceText(int index) => Item.Choices[index];
}

/// <summary>A QA item as a pool is built from it: embedded by its query text, trained on its prompt and gold answer.</summary>
public sealed record QaPoolExample(QaItem Item) : PoolExample(Item.Task, Item.Id)
{
    public override string EmbeddingText(PromptBudget budget) => QaPrompt.QueryText(Item, budget);
    public override string TrainingText(PromptBudget budget) => QaPrompt.ForTraining(Item, budget).Text;
}

/// <summary>How the evaluation hands QA items to the text-first runtime: the one place QA items become texts.</summary>
public static class QaRuntimeMapping
{
    /// <summary>A user's example as the runtime embeds it: the item's query text (what the model reads before any answer).</summary>
    public static Example AsExample(this QaItem item) => new(QaPrompt.QueryText(item, ExampleEmbedder.QueryBudget));

    public static IReadOnlyList<Example> AsExamples(this IEnumerable<QaItem> items) => items.Select(AsExample).ToArray();

    public static QaChoiceQuery AsQuery(this QaItem item) => new(item);

    public static IReadOnlyList<QaChoiceQuery> AsQueries(this IEnumerable<QaItem> items) => items.Select(AsQuery).ToArray();

    public static PoolTrainingData AsPoolData(this IEnumerable<QaItem> items, IReadOnlyList<string> sources) =>
        new(items.Select(i => (PoolExample)new QaPoolExample(i)).ToArray(), sources);
}
