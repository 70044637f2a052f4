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
    /// <summary>
    /// A user's example as the runtime embeds it: the item's query text (what the model reads before any answer), with the
    /// gold answer as the response the customizer's guard scores (a question-answer item's query text is its scoring
    /// prompt). A winogrande sentence has its blank inside, not at the end: it goes without a response, judged as a whole text.
    /// </summary>
    public static Example AsExample(this QaItem item)
    {
        var query = QaPrompt.QueryText(item, ExampleEmbedder.QueryBudget);
        return QaPrompt.StyleOf(item) == PromptStyle.QuestionAnswer
            ? new Example(query, QaPrompt.ForTraining(item).Completion)
            : new Example(query);
    }

    public static IReadOnlyList<Example> AsExamples(this IEnumerable<QaItem> items) => items.Select(AsExample).ToArray();

    public static QaChoiceQuery AsQuery(this QaItem item) => new(item);

    public static IReadOnlyList<QaChoiceQuery> AsQueries(this IEnumerable<QaItem> items) => items.Select(AsQuery).ToArray();

    public static PoolTrainingData AsPoolData(this IEnumerable<QaItem> items, IReadOnlyList<string> sources) =>
        new(items.Select(i => (PoolExample)new QaPoolExample(i)).ToArray(), sources);
}
