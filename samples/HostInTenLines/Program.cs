using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;

if (args.Length != 2) { Console.Error.WriteLine("usage: HostInTenLines <model.gguf> <pool.gguf> (a pool built for that model: crayon pool build)"); return 2; }

// The ten lines: load a model and a pool, customize from a handful of text lines, generate.
using var model = LlamaModel.Load(args[0]);
using var context = model.CreateContext();
using var customizer = new Customizer(model, PoolModelIdentity.Of(args[0]), AdapterPoolFile.Read(args[1]));
var result = customizer.Customize([
    "Where would you put a plate after washing it? In the cupboard.",
    "What do people use to cut paper? Scissors.",
    "Where do you keep milk cold? In the refrigerator.",
    "What do you wear on your feet when it rains? Boots."], context);
Console.WriteLine($"customized: alpha [{string.Join(", ", result.Alpha.Select(a => a.ToString("F4")))}], {result.Swap}, {result.Timings.Total.TotalMilliseconds:F1} ms");
foreach (var token in context.Generate("Once upon a time", new GenerationOptions { MaxTokens = 32 })) Console.Write(token.Text);
Console.WriteLine();
return 0;
