using Crayon.Hybrid;
using Crayon.Routing;
using Crayon.Tasks;

namespace Crayon.Demo;

/// <summary>One question of the demo's mixed set: the customized task's own (in scope) or an MMLU subject's (out of scope).</summary>
public sealed record DemoQuestion(QaItem Item, bool InScope);

/// <summary>
/// The hybrid step's outcome: the router calibrated on the user's examples, the mixed questions, and for each the
/// hybrid's answer with where it went and why.
/// </summary>
public sealed record DemoRouting(Router Router, int CalibrationExamples, IReadOnlyList<DemoQuestion> Questions, IReadOnlyList<HybridAnswer> Answers);
