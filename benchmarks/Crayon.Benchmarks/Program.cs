using BenchmarkDotNet.Running;

// Every [Benchmark] class of this assembly is selectable: `dotnet run -c Release -- --filter '*Blend*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
