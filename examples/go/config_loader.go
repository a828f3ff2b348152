package configloader

import (
	"encoding/json"
	"fmt"
	"os"
)

// ServerConfiguration holds the settings read from a JSON file.
type ServerConfiguration struct {
	ListenAddress      string `json:"listen_address"`
	MaxConnectionCount int    `json:"max_connection_count"`
	ReadTimeoutSeconds int    `json:"read_timeout_seconds"`
}

// LoadServerConfiguration reads and validates a configuration file.
func LoadServerConfiguration(configFilePath string) (*ServerConfiguration, error) {
	rawConfigBytes, readError := os.ReadFile(configFilePath)
	if readError != nil {
		return nil, fmt.Errorf("reading %s: %w", configFilePath, readError)
	}
	parsedConfiguration := &ServerConfiguration{}
	if decodeError := json.Unmarshal(rawConfigBytes, parsedConfiguration); decodeError != nil {
		return nil, decodeError
	}
	if parsedConfiguration.MaxConnectionCount <= 0 {
		parsedConfiguration.MaxConnectionCount = 128
	}
	return parsedConfiguration, nil
}
