namespace Crayon.Tests.Packaging;

/// <summary>
/// A fresh console app outside the checkout that references Crayon.Runtime from a local folder feed, written as a user
/// would write it (no `dotnet new` templates needed offline). It customizes from text lines and prints what the test
/// checks, including where the process loaded llama.cpp and the blend plugin from (/proc/self/maps).
/// </summary>
internal static class ConsumerApp
{
    public const string Name = "ConsumerApp";

    /// <summary>Writes the app into <paramref name="folder"/>: a nuget.config adding <paramref name="feed"/>, the csproj, Program.cs.</summary>
    /// <param name="packagesFolder">A fresh packages folder, so the packages under test are extracted anew; the machine's
    /// global folder serves the other dependencies as a fallback folder (nothing downloaded again).</param>
    public static void Write(string folder, string feed, string version, string packagesFolder, string globalPackages)
    {
        Directory.CreateDirectory(folder);
        // Added to the machine's own configuration (not cleared): dependencies such as CommunityToolkit.HighPerformance
        // come from the machine's usual source.
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="crayon-local-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, Name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{packagesFolder}</RestorePackagesPath>
                <RestoreFallbackFolders>{globalPackages}</RestoreFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Crayon.Runtime" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            using Crayon.Customization;
            using Crayon.Llama;
            using Crayon.Pool;

            using var model = LlamaModel.Load(args[0]);
            using var context = model.CreateContext(new LlamaContextOptions { ContextLength = 256 });
            using var customizer = new Customizer(model, PoolModelIdentity.Of(args[0]), AdapterPoolFile.Read(args[1]));
            var result = customizer.Customize(["Where do you keep milk cold? In the refrigerator.", "What cuts paper? Scissors.", "Where do books live? On a shelf."], context);
            Console.WriteLine($"swap={result.Swap}");
            Console.WriteLine($"adapters={result.Alpha.Length}");
            var text = string.Concat(context.Generate("Once upon a time", new GenerationOptions { MaxTokens = 16 }).Select(t => t.Text));
            Console.WriteLine($"generated={text.ReplaceLineEndings(" ")}");
            foreach (var path in File.ReadLines("/proc/self/maps").Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : "")
                         .Where(p => p.Contains("libcrayon_blend") || p.Contains("libllama") || p.Contains("libggml")).Distinct())
                Console.WriteLine($"native={path}");
            """);
    }
}
