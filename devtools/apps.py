from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "devtools"
    verbose_name = "Developer tools"

    def ready(self):
        from portal import reference

        from .demo.collaboration import create_demo_initiatives
        from .demo.meetings import create_demo_councils
        from .demo.surveys import create_demo_survey
        from .synthetic import audit, collaboration, meetings, surveys

        reference.register_demo_loader(create_demo_initiatives)
        reference.register_demo_loader(create_demo_survey)
        reference.register_demo_loader(create_demo_councils)
        reference.register_generator("initiatives", collaboration.generate_for_scale)
        reference.register_generator("surveys", surveys.generate_for_scale)
        reference.register_generator("meetings", meetings.generate_for_scale)
        # Last of all generators: the entries are about the rows the others made.
        reference.register_generator("audit", audit.generate_for_scale, order=100)
