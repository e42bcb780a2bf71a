"""The HTTP service (`stockwise serve`): the agent over FastAPI for people, chat front ends
that speak the OpenAI API, and auditors."""
