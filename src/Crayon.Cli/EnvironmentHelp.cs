using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Crayon.Cli;

/// <summary>The environment variables Crayon reads, listed at the end of `crayon --help` (and in the README's CLI section).</summary>
public static class EnvironmentHelp
{
    public const string Debug = "CRAYON_DEBUG";

    public static readonly IReadOnlyList<(string Name, string Meaning)> Variables =
    [
        (DataDirectory.EnvironmentVariable, "the shared data folder (models/, qa/ tasks); default ../shared/data beside the checkout"),
        (CrayonFolders.EnvironmentVariable, "Crayon's own state (imported default model, cached pools); default .crayon/ in the checkout or working folder"),
        ("CRAYON_LLAMA_LIB_DIR", "folder of the llama.cpp build to load (else llama/ beside crayon, else .deps/llama/linux-x64-vulkan of the checkout)"),
        ("CRAYON_NATIVE_DIR", "folder holding libcrayon_blend.so (else beside crayon, else artifacts/native of the checkout)"),
        (Debug, "1: print a failure's full exception instead of one line"),
        ("CRAYON_API_KEY", "serve: the key clients must send; ask: the key sent to the server (--api-key overrides)"),
        ("GGML_VK_VISIBLE_DEVICES", "Vulkan devices llama.cpp may use, e.g. 0 (needed for lavapipe, the CPU Vulkan driver)"),
    ];

    /// <summary>Appends the section to the root command's help (subcommands' help stays about their options).</summary>
    public static void AddTo(RootCommand root)
    {
        var option = root.Options.OfType<HelpOption>().FirstOrDefault();
        if (option?.Action is HelpAction help) option.Action = new WithEnvironment(help);
    }

    private sealed class WithEnvironment(HelpAction help) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = help.Invoke(parseResult);
            if (parseResult.CommandResult.Command is RootCommand) Write(parseResult.InvocationConfiguration.Output);
            return code;
        }
    }

    private static void Write(TextWriter output)
    {
        output.WriteLine("Environment variables:");
        var width = Variables.Max(v => v.Name.Length);
        foreach (var (name, meaning) in Variables) output.WriteLine($"  {name.PadRight(width)}  {meaning}");
        output.WriteLine();
    }
}
