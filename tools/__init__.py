"""Command-line tools: training and testing one config, the offline GPU check and its preparation."""
