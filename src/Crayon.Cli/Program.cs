Console.WriteLine("crayon");
