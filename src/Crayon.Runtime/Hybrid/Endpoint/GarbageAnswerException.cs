namespace Crayon.Hybrid.Endpoint;

/// <summary>Raised while parsing a server answer that breaks the API's promises; becomes a <see cref="ServerFailureKind.Garbage"/> failure.</summary>
internal sealed class GarbageAnswerException(string reason) : Exception(reason);
