using System.Reflection;
using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Architecture;

/// <summary>
/// What a C# host references is the runtime alone: no console UI library, no QA or benchmark type, no training code,
/// and no raw pointer in its public surface (interop stays behind SafeHandles). Read from the built assembly.
/// </summary>
public class RuntimeAssemblyTests
{
    private static readonly Assembly Runtime = typeof(Customizer).Assembly;

    private static readonly string[] ForbiddenAssemblies =
        ["Spectre.Console", "System.CommandLine", "Crayon.Evaluation", "Crayon.Training", "Crayon.Cli", "Crayon.Server", "nunit.framework", "BenchmarkDotNet"];

    private static readonly string[] ForbiddenNamespaces =
        ["Crayon.Tasks", "Crayon.Evaluation", "Crayon.Benchmarking", "Crayon.Reporting", "Crayon.Demo", "Crayon.Training", "Crayon.Importers"];

    [Test]
    public void TheRuntimeIsItsOwnAssembly() => Assert.That(Runtime.GetName().Name, Is.EqualTo("Crayon.Runtime"));

    [Test]
    public void TheRuntimeReferencesNoConsoleUiTestOrEvaluationAssembly()
    {
        var referenced = Runtime.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.That(referenced.Where(r => ForbiddenAssemblies.Contains(r, StringComparer.OrdinalIgnoreCase)), Is.Empty,
            $"the runtime references: {string.Join(", ", referenced)}");
    }

    [Test]
    public void NoQaBenchmarkOrTrainingTypeLivesInTheRuntime()
    {
        var offenders = Runtime.GetTypes()
            .Where(t => t.Namespace is { } ns && ForbiddenNamespaces.Any(f => ns == f || ns.StartsWith(f + ".", StringComparison.Ordinal))
                        || t.Name.StartsWith("Qa", StringComparison.Ordinal) || t.Name.Contains("Benchmark", StringComparison.Ordinal))
            .Select(t => t.FullName).ToArray();
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void NoRawPointerOrHandleCrossesThePublicSurface()
    {
        var exported = Runtime.GetExportedTypes();
        // Interop exposes what a caller catches or reads (exceptions, status codes, the library files found), never a handle.
        Assert.That(exported.Where(t => typeof(System.Runtime.InteropServices.SafeHandle).IsAssignableFrom(t)).Select(t => t.FullName), Is.Empty,
            "SafeHandles stay inside Interop");
        var leaks = new List<string>();
        foreach (var type in exported)
        {
            const BindingFlags visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            // A delegate's constructor (object, IntPtr) is the compiler's, not ours to expose or hide.
            var constructors = typeof(Delegate).IsAssignableFrom(type) ? [] : type.GetConstructors(visible);
            foreach (var method in type.GetMethods(visible).Concat<MethodBase>(constructors))
            {
                var types = method.GetParameters().Select(p => p.ParameterType).ToList();
                if (method is MethodInfo m) types.Add(m.ReturnType);
                if (types.Any(IsRaw)) leaks.Add($"{type.FullName}.{method.Name}");
            }
            foreach (var property in type.GetProperties(visible))
                if (IsRaw(property.PropertyType)) leaks.Add($"{type.FullName}.{property.Name}");
            foreach (var field in type.GetFields(visible))
                if (IsRaw(field.FieldType)) leaks.Add($"{type.FullName}.{field.Name}");
        }
        Assert.That(leaks, Is.Empty);
    }

    private static bool IsRaw(Type type)
    {
        if (type.IsByRef) type = type.GetElementType()!;
        return type.IsPointer || type.IsFunctionPointer || type == typeof(IntPtr) || type == typeof(UIntPtr);
    }
}
