using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using NpcPersonas;

// NpcPersonas <model.gguf> <pool.gguf> [rounds]: every round gives each persona one turn in the same context.
if (args.Length is < 2 or > 3 || (args.Length == 3 && (!int.TryParse(args[2], out var parsed) || parsed < 1)))
{
    Console.Error.WriteLine("usage: NpcPersonas <model.gguf> <pool.gguf> [rounds (1 or more, default 2)]");
    return 2;
}
var rounds = args.Length == 3 ? int.Parse(args[2]) : 2;

using var model = LlamaModel.Load(args[0]);
using var context = model.CreateContext(new LlamaContextOptions { ContextLength = 256 });
// Linear blends keep one adapter shape (rank r) whatever a persona's alpha: every switch after the first is written in
// place into the adapter llama.cpp already holds. (Concat, the default, is exact but changes shape, and loads again,
// when a persona uses another number of adapters.)
using var customizer = new Customizer(model, PoolModelIdentity.Of(args[0]), AdapterPoolFile.Read(args[1]),
    new CustomizerOptions { Mode = CustomizationMode.Linear });

// A persona's alpha comes from its lines once (embedding them is the slow part); later turns re-apply it.
var alphas = new Dictionary<string, CustomizationAlpha>();
var turn = 0;
for (var round = 0; round < rounds; round++)
{
    foreach (var persona in Cast.All)
    {
        var result = alphas.TryGetValue(persona.Name, out var alpha)
            ? customizer.Apply(alpha, context)
            : customizer.Customize(persona.Dialogue, context);
        alphas[persona.Name] = result.Customization;
        var line = string.Concat(context.Generate(persona.Prompt, new GenerationOptions { MaxTokens = 24 }).Select(t => t.Text));
        Console.WriteLine($"turn={++turn} persona={persona.Name} swap={result.Swap} alpha-to-live-ms={result.Timings.AlphaToLive.TotalMilliseconds:F2} " +
                          $"alpha=[{string.Join(",", result.Alpha.Select(a => a.ToString("R")))}] says: {OneLine(line)}");
    }
}
return 0;

// Generated text on one line, so every turn is one line of output.
static string OneLine(string text) => string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
