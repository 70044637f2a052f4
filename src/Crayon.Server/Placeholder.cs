namespace Crayon.Server; internal static class Placeholder {}
