package greet

import "fmt"

// Greeting returns a friendly greeting for name.
func Greeting(name string) string {
	return fmt.Sprintf("Hello, %s!", name)
}
