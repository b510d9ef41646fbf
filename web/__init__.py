"""The pages people use; an adapter over ``workflow`` like the API."""
