"""Demo programs and credential catalog: four programs modelled on the four real funding models.

Everything is written through the services, as the demo program manager, so the demo has the same
events and ledger entries as real use. Reruns find what exists by natural key and create only what is
missing: programs by code, providers by registration number, skills by (taxonomy, version, code),
credentials by CTID or (title, provider), credential requests by (requester, title).

The programs, the agency and the state ("Lakeland", with regions North, Central, South, Coastal and
Metro) are fictional. The credentials are real-world ones with realistic costs and hours; most
providers are fictional local colleges, a few are the real vendors that run the course online.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from programs.models import Credential, CredentialRequest, Program, Skill, TrainingProvider
from programs.services import (
    cap_rule_add,
    credential_request_submit,
    credential_save,
    eligibility_rule_add,
    occupation_get_or_create,
    program_create,
    program_credential_set,
    program_transition,
    provider_save,
    round_save,
    scoring_criterion_add,
    skill_save,
)

AGENCY = "Lakeland Department of Workforce Development"
REGIONS = ["North", "Central", "South", "Coastal", "Metro"]
DEMO_WORKER_EMAIL = "worker@demo.skillsfund.test"

# ---------------------------------------------------------------- occupations (O*NET-SOC 2019 codes)

OCCUPATIONS: dict[str, str] = {
    "11-9021.00": "Construction Managers",
    "11-9051.00": "Food Service Managers",
    "13-1082.00": "Project Management Specialists",
    "13-2011.00": "Accountants and Auditors",
    "15-1211.00": "Computer Systems Analysts",
    "15-1212.00": "Information Security Analysts",
    "15-1232.00": "Computer User Support Specialists",
    "15-1241.00": "Computer Network Architects",
    "15-1244.00": "Network and Computer Systems Administrators",
    "15-1255.00": "Web and Digital Interface Designers",
    "15-1299.08": "Computer Systems Engineers/Architects",
    "15-1299.09": "Information Technology Project Managers",
    "15-2051.00": "Data Scientists",
    "15-2051.01": "Business Intelligence Analysts",
    "21-1093.00": "Social and Human Service Assistants",
    "25-2011.00": "Preschool Teachers, Except Special Education",
    "27-1024.00": "Graphic Designers",
    "29-2042.00": "Emergency Medical Technicians",
    "29-2052.00": "Pharmacy Technicians",
    "29-2053.00": "Psychiatric Technicians",
    "31-1131.00": "Nursing Assistants",
    "31-9092.00": "Medical Assistants",
    "31-9097.00": "Phlebotomists",
    "35-1012.00": "First-Line Supervisors of Food Preparation and Serving Workers",
    "39-9011.00": "Childcare Workers",
    "43-3031.00": "Bookkeeping, Accounting, and Auditing Clerks",
    "43-6014.00": "Secretaries and Administrative Assistants, Except Legal, Medical, and Executive",
    "43-9061.00": "Office Clerks, General",
    "47-1011.00": "First-Line Supervisors of Construction Trades and Extraction Workers",
    "47-2111.00": "Electricians",
    "47-2231.00": "Solar Photovoltaic Installers",
    "47-3013.00": "Helpers--Electricians",
    "49-3023.00": "Automotive Service Technicians and Mechanics",
    "49-9021.00": "Heating, Air Conditioning, and Refrigeration Mechanics and Installers",
    "51-1011.00": "First-Line Supervisors of Production and Operating Workers",
    "51-2092.00": "Team Assemblers",
    "51-4041.00": "Machinists",
    "51-4121.00": "Welders, Cutters, Solderers, and Brazers",
    "51-9061.00": "Inspectors, Testers, Sorters, Samplers, and Weighers",
    "51-9161.00": "Computer Numerically Controlled Tool Operators",
    "53-3032.00": "Heavy and Tractor-Trailer Truck Drivers",
    "53-7051.00": "Industrial Truck and Tractor Operators",
}

# ---------------------------------------------------------------- skills

ONET_VERSION = "29.0"
ESCO_VERSION = "1.2.0"
LIGHTCAST_VERSION = "9.0"

# O*NET 29.0 skills: the real content-model element IDs.
ONET_SKILLS: dict[str, tuple[str, str]] = {
    "reading": ("2.A.1.a", "Reading Comprehension"),
    "active_listening": ("2.A.1.b", "Active Listening"),
    "writing": ("2.A.1.c", "Writing"),
    "mathematics": ("2.A.1.e", "Mathematics"),
    "critical_thinking": ("2.A.2.a", "Critical Thinking"),
    "monitoring": ("2.A.2.d", "Monitoring"),
    "social_perceptiveness": ("2.B.1.a", "Social Perceptiveness"),
    "coordination": ("2.B.1.b", "Coordination"),
    "instructing": ("2.B.1.e", "Instructing"),
    "service_orientation": ("2.B.1.f", "Service Orientation"),
    "complex_problem_solving": ("2.B.2.i", "Complex Problem Solving"),
    "technology_design": ("2.B.3.b", "Technology Design"),
    "installation": ("2.B.3.d", "Installation"),
    "programming": ("2.B.3.e", "Programming"),
    "operations_monitoring": ("2.B.3.g", "Operations Monitoring"),
    "operation_and_control": ("2.B.3.h", "Operation and Control"),
    "equipment_maintenance": ("2.B.3.j", "Equipment Maintenance"),
    "troubleshooting": ("2.B.3.k", "Troubleshooting"),
    "repairing": ("2.B.3.l", "Repairing"),
    "quality_control": ("2.B.3.m", "Quality Control Analysis"),
    "judgment": ("2.B.4.e", "Judgment and Decision Making"),
    "systems_analysis": ("2.B.4.g", "Systems Analysis"),
    "systems_evaluation": ("2.B.4.h", "Systems Evaluation"),
    "time_management": ("2.B.5.a", "Time Management"),
    "financial_resources": ("2.B.5.b", "Management of Financial Resources"),
    "personnel_resources": ("2.B.5.d", "Management of Personnel Resources"),
}

# ESCO v1.2.0 skills, labelled in ESCO's style. ILLUSTRATIVE: the concept URIs below are derived with
# uuid5 from the label so reruns match; they are not the real ESCO URIs.
ESCO_SKILLS: dict[str, str] = {
    "ict_user_support": "provide ICT system user support",
    "install_hardware": "install hardware",
    "administer_ict_system": "administer ICT system",
    "implement_firewalls": "implement firewalls",
    "deploy_cloud": "deploy cloud resource",
    "data_analysis": "perform data analysis",
    "visualise_data": "deliver visual presentation of data",
    "spreadsheets": "use spreadsheets software",
    "project_management": "perform project management",
    "ux_prototype": "create prototype of user experience solutions",
    "design_graphics": "design graphics",
    "financial_records": "maintain financial records",
    "engineering_drawings": "read engineering drawings",
    "measurement_instruments": "use measurement instruments",
    "program_cnc": "program a CNC controller",
    "welding_equipment": "use welding equipment",
    "health_and_safety": "apply health and safety standards",
    "handle_refrigerants": "handle refrigerants",
    "electrical_wiring": "install electrical wiring",
    "install_pv": "install photovoltaic systems",
    "operate_forklift": "operate forklift",
    "drive_heavy_trucks": "drive heavy trucks",
    "vehicle_diagnostics": "perform vehicle diagnostic procedures",
    "dispense_medicines": "dispense medicines",
    "draw_blood": "draw blood samples",
    "vital_signs": "monitor patients' vital signs",
    "basic_patient_care": "provide basic patient care",
    "first_aid": "provide first aid",
    "emergency_care": "perform pre-hospital emergency care",
    "infection_control": "implement infection control procedures",
    "behaviour_management": "apply behaviour management techniques",
    "supervise_children": "supervise children",
    "food_safety": "comply with food safety and hygiene",
    "continuous_improvement": "apply continuous improvement methods",
    "customer_service": "maintain customer service",
    "healthcare_records": "manage healthcare users' records",
    "monitor_production": "monitor production line",
}

# Lightcast Open Skills. ILLUSTRATIVE: the IDs below have Lightcast's form ("KS" and 18 characters) but
# are derived from the label, not looked up; they are not the real Lightcast IDs.
LIGHTCAST_SKILLS: dict[str, str] = {
    "aws_cloud": "Amazon Web Services (AWS)",
    "azure": "Microsoft Azure",
    "linux": "Linux",
    "windows": "Microsoft Windows",
    "tcp_ip": "TCP/IP",
    "network_security": "Network Security",
    "sql": "SQL (Programming Language)",
    "tableau": "Tableau (Business Intelligence Software)",
    "excel": "Microsoft Excel",
    "quickbooks": "QuickBooks",
    "salesforce": "Salesforce",
    "figma": "Figma (Design Software)",
    "photoshop": "Adobe Photoshop",
    "gdt": "Geometric Dimensioning and Tolerancing",
    "g_code": "G-Code",
    "gmaw": "Gas Metal Arc Welding",
    "smaw": "Shielded Metal Arc Welding",
    "agile": "Agile Methodology",
    "six_sigma": "Six Sigma Methodology",
    "cpr": "Cardiopulmonary Resuscitation (CPR)",
    "ehr": "Electronic Health Records",
    "nec": "National Electrical Code",
    "hvac": "HVAC",
}

# Stable namespace for the illustrative identifiers below (ESCO URIs, Lightcast IDs, CTIDs).
DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://skillsfund.example/demo")


def _esco_uri(label: str) -> str:
    return f"http://data.europa.eu/esco/skill/{uuid.uuid5(DEMO_NAMESPACE, 'esco:' + label)}"


def _lightcast_id(label: str) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    number = int.from_bytes(hashlib.sha256(label.encode()).digest(), "big")
    chars = []
    for _position in range(18):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "KS" + "".join(chars)


def demo_ctid(title: str) -> str:
    """An ILLUSTRATIVE Credential Engine CTID: the valid form, stable across runs, not a real registry id."""
    return f"ce-{uuid.uuid5(DEMO_NAMESPACE, 'ctid:' + title)}"


def _skill_specs() -> dict[str, tuple[str, str, str, str]]:
    """key -> (taxonomy, taxonomy_version, code, label)"""
    specs: dict[str, tuple[str, str, str, str]] = {}
    for key, (code, label) in ONET_SKILLS.items():
        specs[key] = (Skill.Taxonomy.ONET, ONET_VERSION, code, label)
    for key, label in ESCO_SKILLS.items():
        specs[key] = (Skill.Taxonomy.ESCO, ESCO_VERSION, _esco_uri(label), label)
    for key, label in LIGHTCAST_SKILLS.items():
        specs[key] = (Skill.Taxonomy.LIGHTCAST, LIGHTCAST_VERSION, _lightcast_id(label), label)
    return specs


# ---------------------------------------------------------------- providers


@dataclass(frozen=True)
class DemoProvider:
    name: str
    registration_number: str  # the fictional state's eligible-training-provider list number
    website: str
    years_listed: int = 3
    listed_until_years: int | None = None


PROVIDERS: dict[str, DemoProvider] = {
    "lcc": DemoProvider("Lakeland Community College", "LK-ETPL-1001", "https://www.lakelandcc.example/", 8),
    "clti": DemoProvider(
        "Central Lakeland Technical Institute", "LK-ETPL-1002", "https://www.clti.example/", 6
    ),
    "coastal_cc": DemoProvider(
        "Coastal Lakeland Community College", "LK-ETPL-1003", "https://www.coastalcc.example/", 5
    ),
    "metro_tech": DemoProvider(
        "Metro Tech Training Center", "LK-ETPL-1004", "https://www.metrotech.example/", 2, 1
    ),
    "riverside": DemoProvider(
        "Riverside Health Careers Institute", "LK-ETPL-1005", "https://www.riversidehealth.example/", 4
    ),
    "safety_council": DemoProvider(
        "Lakeland Safety Council", "LK-ETPL-1006", "https://www.lakelandsafety.example/", 10
    ),
    "truck_academy": DemoProvider(
        "Metro Truck Driving Academy", "LK-ETPL-1007", "https://www.metrotruck.example/", 3, 2
    ),
    "builders": DemoProvider(
        "Lakeland Builders Exchange Training Center", "LK-ETPL-1008", "https://www.lakelandbuilders.example/"
    ),
    "coursera": DemoProvider("Coursera", "LK-ETPL-2001", "https://www.coursera.org/", 4),
    "aws_training": DemoProvider(
        "Amazon Web Services Training and Certification", "LK-ETPL-2002", "https://aws.amazon.com/training/"
    ),
    "isc2": DemoProvider("ISC2", "LK-ETPL-2003", "https://www.isc2.org/", 2),
    "aipb": DemoProvider(
        "American Institute of Professional Bookkeepers", "LK-ETPL-2004", "https://aipb.org/"
    ),
}

# ---------------------------------------------------------------- credentials

ONLINE, IN_PERSON, HYBRID = (
    Credential.DeliveryMode.ONLINE,
    Credential.DeliveryMode.IN_PERSON,
    Credential.DeliveryMode.HYBRID,
)


@dataclass(frozen=True)
class DemoCredential:
    key: str
    title: str
    provider: str
    hours: int
    weeks: int
    cost: str
    mode: str
    occupations: tuple[str, ...]
    skills: tuple[str, ...]
    description: str
    website: str = ""
    with_ctid: bool = False


# One row per credential: key, title, provider key, hours, weeks, cost (USD), delivery mode, O*NET-SOC codes,
# skill keys, description, website, whether it carries an (illustrative) CTID.
# fmt: off
CREDENTIALS: tuple[DemoCredential, ...] = (
    # Information technology
    DemoCredential(
        "comptia_a", "CompTIA A+", "lcc", 120, 12, "2400.00", HYBRID, ("15-1232.00",),
        ("ict_user_support", "install_hardware", "windows", "troubleshooting", "customer_service"),
        "Entry-level IT support: hardware, operating systems, networking basics, security and "
        "troubleshooting, ending with both CompTIA A+ Core exams.",
        "https://www.comptia.org/certifications/a", True,
    ),
    DemoCredential(
        "comptia_network", "CompTIA Network+", "lcc", 100, 10, "2600.00", HYBRID,
        ("15-1244.00", "15-1232.00"),
        ("tcp_ip", "administer_ict_system", "troubleshooting", "systems_analysis"),
        "Designing, configuring and troubleshooting wired and wireless networks; prepares for the "
        "CompTIA Network+ exam.",
        "https://www.comptia.org/certifications/network", True,
    ),
    DemoCredential(
        "comptia_security", "CompTIA Security+", "lcc", 120, 12, "2900.00", HYBRID, ("15-1212.00",),
        ("network_security", "implement_firewalls", "critical_thinking", "systems_evaluation"),
        "Core cybersecurity: threats, secure architecture, identity and access, incident response; "
        "exam voucher included.",
        "https://www.comptia.org/certifications/security", True,
    ),
    DemoCredential(
        "google_it_support", "Google IT Support Professional Certificate", "coursera", 180, 24, "294.00",
        ONLINE, ("15-1232.00",),
        ("ict_user_support", "troubleshooting", "linux", "windows", "customer_service"),
        "Self-paced online certificate in IT support, networking, operating systems, system "
        "administration and security (about six months at under ten hours a week).",
        "https://grow.google/certificates/it-support/",
    ),
    DemoCredential(
        "aws_cloud_practitioner", "AWS Certified Cloud Practitioner", "aws_training", 20, 4, "250.00", ONLINE,
        ("15-1211.00", "15-1244.00"),
        ("aws_cloud", "deploy_cloud", "systems_analysis"),
        "Foundational AWS cloud concepts, services, security and billing; digital training and the exam.",
        "https://aws.amazon.com/certification/certified-cloud-practitioner/", True,
    ),
    DemoCredential(
        "aws_solutions_architect", "AWS Certified Solutions Architect – Associate", "aws_training", 60, 8,
        "1500.00", ONLINE, ("15-1299.08", "15-1241.00"),
        ("aws_cloud", "deploy_cloud", "technology_design", "network_security", "systems_analysis"),
        "Designing resilient, secure and cost-optimised architectures on AWS; instructor-led course "
        "and exam.",
        "https://aws.amazon.com/certification/certified-solutions-architect-associate/",
    ),
    DemoCredential(
        "azure_fundamentals", "Microsoft Certified: Azure Fundamentals (AZ-900)", "metro_tech", 24, 3,
        "595.00", HYBRID, ("15-1211.00", "15-1244.00"),
        ("azure", "deploy_cloud", "systems_analysis"),
        "Cloud concepts and core Azure services, governance and pricing; three evening workshops and "
        "the AZ-900 exam.",
        "https://learn.microsoft.com/credentials/certifications/azure-fundamentals/",
    ),
    DemoCredential(
        "cisco_ccna", "Cisco Certified Network Associate (CCNA)", "clti", 160, 16, "3200.00", HYBRID,
        ("15-1244.00", "15-1241.00"),
        ("tcp_ip", "administer_ict_system", "network_security", "troubleshooting", "installation"),
        "Cisco Networking Academy CCNA sequence: switching, routing, wireless, automation and "
        "security fundamentals, with lab time.",
        "https://www.cisco.com/site/us/en/learn/training-certifications/certifications/enterprise/ccna/",
        True,
    ),
    DemoCredential(
        "comptia_data", "CompTIA Data+", "metro_tech", 80, 8, "1200.00", ONLINE,
        ("15-2051.01", "15-2051.00"),
        ("data_analysis", "visualise_data", "sql", "excel", "mathematics"),
        "Data mining, manipulation, visualisation and governance for analysts; CompTIA Data+ exam.",
        "https://www.comptia.org/certifications/data",
    ),
    DemoCredential(
        "google_data_analytics", "Google Data Analytics Professional Certificate", "coursera", 180, 24,
        "294.00", ONLINE, ("15-2051.01", "15-2051.00"),
        ("data_analysis", "visualise_data", "sql", "tableau", "spreadsheets"),
        "Self-paced certificate in cleaning, analysing and visualising data with spreadsheets, SQL, "
        "Tableau and R.",
        "https://grow.google/certificates/data-analytics/",
    ),
    DemoCredential(
        "isc2_cc", "ISC2 Certified in Cybersecurity (CC)", "isc2", 30, 6, "199.00", ONLINE, ("15-1212.00",),
        ("network_security", "implement_firewalls", "critical_thinking"),
        "Entry-level security principles, incident response, access control, network security and "
        "security operations.",
        "https://www.isc2.org/certifications/cc",
    ),
    DemoCredential(
        "salesforce_admin", "Salesforce Certified Administrator", "metro_tech", 60, 8, "1400.00", ONLINE,
        ("15-1211.00",),
        ("salesforce", "administer_ict_system", "systems_analysis", "customer_service"),
        "Configuring Salesforce orgs: users, security, data, automation and reports; exam included.",
        "https://trailhead.salesforce.com/credentials/administrator",
    ),
    DemoCredential(
        "google_ux", "Google UX Design Professional Certificate", "coursera", 200, 24, "294.00", ONLINE,
        ("15-1255.00",),
        ("ux_prototype", "figma", "technology_design", "active_listening"),
        "User research, wireframing and prototyping in Figma, and a portfolio of three projects.",
        "https://grow.google/certificates/ux-design/",
    ),
    DemoCredential(
        "google_pm", "Google Project Management Professional Certificate", "coursera", 180, 24, "294.00",
        ONLINE, ("13-1082.00", "15-1299.09"),
        ("project_management", "agile", "coordination", "time_management"),
        "Project initiation, planning, execution and closing, with Agile and Scrum.",
        "https://grow.google/certificates/project-management/",
    ),
    DemoCredential(
        "pmi_capm", "PMI Certified Associate in Project Management (CAPM)", "lcc", 40, 6, "1100.00", HYBRID,
        ("13-1082.00",),
        ("project_management", "agile", "coordination", "financial_resources"),
        "The 23 contact hours of project-management education PMI requires, exam preparation and "
        "the CAPM exam fee.",
        "https://www.pmi.org/certifications/certified-associate-capm", True,
    ),
    DemoCredential(
        "lean_six_sigma_yellow", "Lean Six Sigma Yellow Belt", "clti", 24, 3, "650.00", IN_PERSON,
        ("51-1011.00", "13-1082.00"),
        ("continuous_improvement", "six_sigma", "quality_control", "critical_thinking"),
        "DMAIC, waste elimination and basic process data for team members on improvement projects.",
    ),
    DemoCredential(
        "mos_excel", "Microsoft Office Specialist: Excel Associate", "metro_tech", 30, 4, "450.00", HYBRID,
        ("43-3031.00", "43-6014.00", "43-9061.00"),
        ("excel", "spreadsheets", "mathematics"),
        "Worksheets, formulas, charts and tables in Excel, ending with the Certiport MOS exam.",
        "https://certiport.pearsonvue.com/Certifications/Microsoft/MOS/Overview",
    ),
    DemoCredential(
        "quickbooks_user", "QuickBooks Certified User", "lcc", 30, 5, "500.00", ONLINE, ("43-3031.00",),
        ("quickbooks", "financial_records", "mathematics"),
        "Setting up companies, invoicing, payables, payroll basics and reports in QuickBooks Online.",
    ),
    DemoCredential(
        "certified_bookkeeper", "Certified Bookkeeper (CB)", "aipb", 120, 16, "1200.00", ONLINE,
        ("43-3031.00", "13-2011.00"),
        ("financial_records", "quickbooks", "mathematics", "excel"),
        "Adjusting entries, payroll, depreciation, inventory and internal controls; four workbooks "
        "and exams.",
        "https://aipb.org/",
    ),
    DemoCredential(
        "adobe_visual_design", "Adobe Certified Professional in Visual Design", "metro_tech", 60, 8,
        "1100.00", HYBRID, ("27-1024.00",),
        ("design_graphics", "photoshop", "technology_design"),
        "Layout, typography and image editing in Photoshop, Illustrator and InDesign; Certiport exams.",
        "https://certiport.pearsonvue.com/Certifications/Adobe/Certified-Professional/Overview",
    ),
    # Manufacturing
    DemoCredential(
        "nims_machining_1", "NIMS Machining Level I: Measurement, Materials and Safety", "clti", 80, 8,
        "1400.00", IN_PERSON, ("51-4041.00", "51-9161.00"),
        ("measurement_instruments", "engineering_drawings", "health_and_safety", "gdt", "quality_control"),
        "Shop safety, blueprint reading, precision measurement and materials; NIMS theory and "
        "performance assessment.",
        "https://www.nims-skills.org/", True,
    ),
    DemoCredential(
        "nims_cnc_operator", "NIMS CNC Operator (Milling and Turning)", "clti", 160, 12, "3200.00",
        IN_PERSON, ("51-9161.00", "51-4041.00"),
        ("program_cnc", "g_code", "operation_and_control", "measurement_instruments", "quality_control"),
        "Setting up and running CNC mills and lathes, offsets, G-code edits and first-article inspection.",
        "https://www.nims-skills.org/",
    ),
    DemoCredential(
        "aws_certified_welder", "AWS Certified Welder (American Welding Society)", "clti", 240, 16,
        "4800.00", IN_PERSON, ("51-4121.00",),
        ("welding_equipment", "gmaw", "smaw", "engineering_drawings", "health_and_safety"),
        "Structural plate welding in GMAW and SMAW to AWS D1.1, ending with the performance "
        "qualification test at an accredited test facility.",
        "https://www.aws.org/certification/", True,
    ),
    DemoCredential(
        "mssc_cpt", "MSSC Certified Production Technician (CPT 4.0)", "lcc", 160, 12, "2600.00", HYBRID,
        ("51-2092.00", "51-9061.00"),
        ("monitor_production", "quality_control", "health_and_safety", "equipment_maintenance",
         "continuous_improvement"),
        "Safety, quality practices, manufacturing processes, maintenance awareness and green "
        "production: the four MSSC modules.",
        "https://www.msscusa.org/",
    ),
    DemoCredential(
        "osha_30", "OSHA 30-Hour Construction", "safety_council", 30, 1, "450.00", IN_PERSON,
        ("47-1011.00", "11-9021.00"),
        ("health_and_safety", "monitoring", "judgment"),
        "OSHA Outreach Training for supervisors: fall protection, electrical, excavation, scaffolds "
        "and hazard communication.",
        "https://www.osha.gov/training/outreach",
    ),
    DemoCredential(
        "forklift", "Forklift Operator Certification (OSHA 1910.178)", "safety_council", 8, 1, "175.00",
        IN_PERSON, ("53-7051.00",),
        ("operate_forklift", "health_and_safety", "operation_and_control"),
        "Classroom and hands-on evaluation for sit-down counterbalance and reach trucks.",
    ),
    # Skilled trades and transport
    DemoCredential(
        "epa_608", "EPA Section 608 Technician Certification (Universal)", "clti", 24, 2, "300.00", HYBRID,
        ("49-9021.00",),
        ("handle_refrigerants", "hvac", "health_and_safety"),
        "Refrigerant handling, recovery and the Clean Air Act rules; core and Types I, II and III exams.",
        "https://www.epa.gov/section608", True,
    ),
    DemoCredential(
        "hvac_excellence", "HVAC Excellence Employment Ready Certification", "clti", 180, 16, "3500.00",
        IN_PERSON, ("49-9021.00",),
        ("hvac", "installation", "troubleshooting", "repairing", "electrical_wiring"),
        "Electrical, heating, air conditioning and heat pump fundamentals with the Employment Ready "
        "exams.",
        "https://www.hvacexcellence.org/",
    ),
    DemoCredential(
        "nccer_electrical_1", "NCCER Electrical Level 1", "builders", 160, 20, "2200.00", IN_PERSON,
        ("47-2111.00", "47-3013.00"),
        ("electrical_wiring", "nec", "health_and_safety", "installation", "engineering_drawings"),
        "Electrical safety, circuits, the National Electrical Code, raceways, conductors and wiring; "
        "NCCER Core plus Level 1.",
        "https://www.nccer.org/",
    ),
    DemoCredential(
        "nabcep_pv_associate", "NABCEP PV Associate (Solar PV Installer)", "coastal_cc", 60, 8, "1600.00",
        HYBRID, ("47-2231.00",),
        ("install_pv", "electrical_wiring", "nec", "health_and_safety"),
        "Photovoltaic system design, components, installation and safety, ending with the NABCEP PV "
        "Associate exam.",
        "https://www.nabcep.org/",
    ),
    DemoCredential(
        "ase_entry_level", "ASE Entry-Level Certification (Automobile Service Technology)", "coastal_cc",
        240, 20, "3800.00", IN_PERSON, ("49-3023.00",),
        ("vehicle_diagnostics", "repairing", "troubleshooting", "equipment_maintenance"),
        "Brakes, electrical systems, suspension and steering and engine performance, with the ASE "
        "entry-level tests.",
        "https://www.ase.com/",
    ),
    DemoCredential(
        "cdl_class_a", "Commercial Driver's License (CDL) Class A", "truck_academy", 160, 4, "6500.00",
        IN_PERSON, ("53-3032.00",),
        ("drive_heavy_trucks", "health_and_safety", "operation_and_control", "monitoring"),
        "Entry-level driver training to FMCSA standards: theory, range and road hours, and the state "
        "skills test.",
    ),
    # Health care and care work
    DemoCredential(
        "ptcb_cpht", "Pharmacy Technician (PTCB CPhT)", "lcc", 200, 16, "3200.00", HYBRID, ("29-2052.00",),
        ("dispense_medicines", "mathematics", "healthcare_records", "customer_service"),
        "Medications, pharmacy law, patient safety and order entry, with an externship and the PTCB "
        "exam.",
        "https://www.ptcb.org/", True,
    ),
    DemoCredential(
        "cna", "Certified Nursing Assistant (CNA)", "riverside", 120, 8, "1600.00", IN_PERSON,
        ("31-1131.00",),
        ("basic_patient_care", "vital_signs", "infection_control", "social_perceptiveness",
         "service_orientation"),
        "State-approved nurse aide training with 40 clinical hours, and the state competency exam.",
    ),
    DemoCredential(
        "nha_cpt", "Phlebotomy Technician (NHA CPT)", "riverside", 100, 10, "1800.00", HYBRID,
        ("31-9097.00",),
        ("draw_blood", "infection_control", "healthcare_records", "service_orientation"),
        "Venipuncture and capillary collection, specimen handling and safety; 30 successful draws and "
        "the NHA exam.",
        "https://www.nhanow.com/certifications/phlebotomy-technician",
    ),
    DemoCredential(
        "nha_ccma", "Certified Clinical Medical Assistant (NHA CCMA)", "riverside", 360, 24, "6200.00",
        HYBRID, ("31-9092.00",),
        ("vital_signs", "draw_blood", "ehr", "healthcare_records", "infection_control"),
        "Clinical and administrative medical assisting with a 160-hour externship and the NHA CCMA exam.",
        "https://www.nhanow.com/certifications/clinical-medical-assistant",
    ),
    DemoCredential(
        "emt_basic", "Emergency Medical Technician (NREMT EMT)", "lcc", 190, 16, "2000.00", IN_PERSON,
        ("29-2042.00",),
        ("emergency_care", "first_aid", "cpr", "vital_signs", "judgment"),
        "State-approved EMT course with ambulance and emergency-department rotations; NREMT cognitive "
        "and psychomotor exams.",
        "https://www.nremt.org/", True,
    ),
    DemoCredential(
        "rbt", "Registered Behavior Technician (RBT)", "riverside", 40, 4, "350.00", ONLINE,
        ("29-2053.00", "21-1093.00"),
        ("behaviour_management", "social_perceptiveness", "instructing", "writing"),
        "The 40-hour RBT training to the BACB task list, competency assessment and exam fee.",
        "https://www.bacb.com/rbt/",
    ),
    DemoCredential(
        "cda", "Child Development Associate (CDA) Credential", "lcc", 120, 24, "1400.00", ONLINE,
        ("39-9011.00", "25-2011.00"),
        ("supervise_children", "instructing", "social_perceptiveness", "first_aid"),
        "The 120 hours of early-childhood education, portfolio coaching and the Council's $425 "
        "assessment fee.",
        "https://www.cdacouncil.org/",
    ),
    DemoCredential(
        "servsafe_manager", "ServSafe Food Protection Manager Certification", "safety_council", 16, 1,
        "180.00", IN_PERSON, ("35-1012.00", "11-9051.00"),
        ("food_safety", "health_and_safety", "personnel_resources"),
        "Foodborne illness prevention, HACCP and safe food handling for managers; proctored exam.",
        "https://www.servsafe.com/",
    ),
)
# fmt: on

HEALTHCARE = ("ptcb_cpht", "cna", "nha_cpt", "nha_ccma", "emt_basic")

# ---------------------------------------------------------------- programs


@dataclass(frozen=True)
class DemoRound:
    opens_in_days: int  # negative: in the past
    closes_in_days: int
    budget_share: str | None = None


@dataclass(frozen=True)
class DemoProgram:
    code: str
    budget: str
    fields: dict[str, Any]
    caps: tuple[tuple[str, str, str], ...]  # (scope, amount, note)
    eligibility: tuple[tuple[str, dict[str, Any]], ...]
    rounds: tuple[DemoRound, ...]
    credentials: tuple[tuple[str, str | None], ...]  # (credential key, per-credential maximum)
    criteria: tuple[tuple[str, str, str], ...] = ()  # (name, weight, guidance)
    open: bool = True


# The worker programs ran two earlier rounds (about 20 and 11 months ago) before the open one, so the demo
# shows six quarters of history (demo.history fills them). Rounds of a program may not overlap.
HISTORY_ROUNDS = (DemoRound(-610, -335), DemoRound(-335, -60), DemoRound(-60, 120))


def _funds(keys: str, maximum: str | None = None) -> tuple[tuple[str, str | None], ...]:
    return tuple((key, maximum) for key in keys.split())


PROGRAMS: tuple[DemoProgram, ...] = (
    DemoProgram(
        code="TECHREIMB-26",
        budget="2500000.00",
        fields={
            "name": "TechSkills Reimbursement",
            "summary": "Employers are reimbursed up to $2,000 per employee for short technology credentials.",
            "description": (
                "Lakeland employers apply each round for the credentials their current or new employees "
                "will earn. Training must be finished within 12 months of approval. After completion the "
                "employer claims reimbursement with the credential, the invoice and proof of payment, "
                "within 6 weeks of completion. Up to $2,000 per credential and $30,000 per employer per "
                "round. Applications are approved first come, first served while the round's share of "
                "the budget lasts."
            ),
            "funding_agency": AGENCY,
            "payment_model": Program.PaymentModel.REIMBURSEMENT,
            "applicant_type": Program.ApplicantType.EMPLOYER,
            "selection_method": Program.SelectionMethod.FIRST_COME,
            "claim_deadline_weeks": 6,
            "training_window_months": 12,
        },
        caps=(
            ("per_credential", "2000.00", "Program guidance §3.1: reimbursement per credential."),
            ("per_employer_round", "30000.00", "Program guidance §3.2: per employer in each round."),
        ),
        eligibility=(
            ("employer_size_class", {"size_classes": ["1-50", "51-200"]}),
            ("sector", {"naics_prefixes": ["31", "32", "33", "48", "49", "51", "52", "54", "62"]}),
            ("credential_max_months", {"maximum": 12}),
        ),
        rounds=(DemoRound(-240, -90, "1000000.00"), DemoRound(-60, 120, "1000000.00")),
        credentials=_funds(
            "comptia_a comptia_network comptia_security google_it_support aws_cloud_practitioner "
            "aws_solutions_architect azure_fundamentals cisco_ccna comptia_data google_data_analytics "
            "isc2_cc salesforce_admin mos_excel pmi_capm lean_six_sigma_yellow nims_machining_1 "
            "nims_cnc_operator mssc_cpt"
        ),
    ),
    DemoProgram(
        code="SKILLCREDIT-26",
        budget="1000000.00",
        fields={
            "name": "Lakeland Skills Credit",
            "summary": "Every resident aged 25 or over has a $500 credit for courses on the approved list.",
            "description": (
                "A lifetime credit of $500 for Lakeland residents aged 25 and over, spent on courses from "
                "the approved list. The agency pays the training provider before the course starts, so "
                "there is nothing to claim back. Anything above the credit is paid by the learner."
            ),
            "funding_agency": AGENCY,
            "payment_model": Program.PaymentModel.UPFRONT_TO_PROVIDER,
            "applicant_type": Program.ApplicantType.WORKER,
            "selection_method": Program.SelectionMethod.FIRST_COME,
            "training_window_months": 6,
        },
        caps=(("per_person_lifetime", "500.00", "The credit each resident receives once."),),
        eligibility=(
            ("age_between", {"minimum": 25}),
            ("residency_region", {"regions": REGIONS}),
        ),
        rounds=HISTORY_ROUNDS,
        credentials=_funds(
            "google_it_support google_data_analytics google_ux google_pm aws_cloud_practitioner "
            "azure_fundamentals isc2_cc comptia_data salesforce_admin mos_excel quickbooks_user pmi_capm "
            "lean_six_sigma_yellow adobe_visual_design servsafe_manager forklift osha_30 epa_608 rbt cda"
        ),
    ),
    DemoProgram(
        code="ITA-26",
        budget="4000000.00",
        fields={
            "name": "Individual Training Accounts",
            "summary": (
                "Training vouchers of up to $5,000 a year ($7,500 for health care) for people out of "
                "work or working part time."
            ),
            "description": (
                "Individual Training Accounts pay an eligible training provider, on invoice, for a "
                "credential on the eligible-training-provider list. Up to $5,000 per person per year, or "
                "$7,500 for health-care credentials. Applications are scored and ranked; veterans and "
                "eligible spouses are served first, then people on low incomes. For residents of the "
                "Central, South and Metro workforce areas who are unemployed or working part time."
            ),
            "funding_agency": AGENCY,
            "payment_model": Program.PaymentModel.VOUCHER,
            "applicant_type": Program.ApplicantType.WORKER,
            "selection_method": Program.SelectionMethod.SCORED,
            "priority_order": [Program.PriorityGroup.VETERAN, Program.PriorityGroup.LOW_INCOME],
            "training_window_months": 12,
        },
        # A per-credential maximum can only lower the amount, never raise a cap (programs.rules.maximum_award
        # takes the smallest limit). So the yearly cap is the health-care figure, and every other credential
        # carries a $5,000 maximum: together they say "$5,000 a year, $7,500 for health care".
        caps=(
            (
                "per_person_year",
                "7500.00",
                "$7,500 a year for health-care credentials; others are limited to $5,000 each.",
            ),
        ),
        eligibility=(
            ("employment_status", {"statuses": ["unemployed", "employed_part_time"]}),
            ("household_income_below", {"maximum": "52000.00"}),
            ("residency_region", {"regions": ["Central", "South", "Metro"]}),
        ),
        rounds=HISTORY_ROUNDS,
        credentials=_funds(" ".join(HEALTHCARE), "7500.00")
        + _funds(
            "cdl_class_a aws_certified_welder hvac_excellence epa_608 nccer_electrical_1 nabcep_pv_associate "
            "ase_entry_level comptia_a comptia_security cisco_ccna certified_bookkeeper cda rbt",
            "5000.00",
        ),
        criteria=(
            (
                "Demand for the occupation",
                "3",
                "5: the occupation is on the state's in-demand list with openings in the applicant's region; "
                "3: in demand statewide; 1: little local demand.",
            ),
            (
                "Readiness and training plan",
                "2",
                "5: prerequisites met, schedule, transport and childcare arranged; 3: a plan with gaps the "
                "case manager can close; 1: no plan yet.",
            ),
            (
                "Barriers to employment addressed",
                "1.5",
                "5: the credential directly removes a documented barrier (no recognised qualification, "
                "long-term unemployment); 1: no barrier addressed.",
            ),
        ),
    ),
    DemoProgram(
        code="RETAIN-26",
        budget="3000000.00",
        fields={
            "name": "Next Step Retention Grants",
            "summary": (
                "Employers receive up to $5,000 for each employee they train and keep on for six months."
            ),
            "description": (
                "Employers in manufacturing, construction, transport and health care are paid up to "
                "$5,000 per employee who earns a funded credential and is still employed six months "
                "later, at a wage at or above the program's wage floor (or with a wage gain). Up to "
                "$50,000 per employer per year. Claims are due within 8 weeks of the end of the "
                "retention period."
            ),
            "funding_agency": AGENCY,
            "payment_model": Program.PaymentModel.RETENTION_GRANT,
            "applicant_type": Program.ApplicantType.EMPLOYER,
            "selection_method": Program.SelectionMethod.FIRST_COME,
            "claim_deadline_weeks": 8,
            "retention_period_months": 6,
            "training_window_months": 12,
        },
        caps=(
            ("per_credential", "5000.00", "Per employee trained and retained."),
            ("per_employer_year", "50000.00", "Per employer in a program year."),
        ),
        eligibility=(
            ("sector", {"naics_prefixes": ["23", "31", "32", "33", "48", "49", "62"]}),
            ("credential_max_hours", {"maximum": 600}),
        ),
        rounds=(DemoRound(-300, -120), DemoRound(-60, 120)),
        credentials=_funds(
            "nims_machining_1 nims_cnc_operator aws_certified_welder mssc_cpt epa_608 hvac_excellence "
            "nccer_electrical_1 osha_30 forklift cdl_class_a ase_entry_level nabcep_pv_associate "
            "lean_six_sigma_yellow cna ptcb_cpht comptia_a"
        ),
    ),
    DemoProgram(
        code="GREENJOBS-27",
        budget="750000.00",
        fields={
            "name": "Clean Energy Trades Pilot",
            "summary": "A planned pilot paying providers for solar, HVAC and electrical credentials.",
            "description": (
                "Draft: a pilot for residents of the North and Coastal regions entering clean-energy "
                "trades. Not yet open; the manager is still setting the rules."
            ),
            "funding_agency": AGENCY,
            "payment_model": Program.PaymentModel.UPFRONT_TO_PROVIDER,
            "applicant_type": Program.ApplicantType.WORKER,
            "selection_method": Program.SelectionMethod.FIRST_COME,
            "co_payment_percent": Decimal("10"),
            "training_window_months": 9,
        },
        caps=(("per_person_lifetime", "4000.00", "Pilot allowance per person."),),
        eligibility=(("residency_region", {"regions": ["North", "Coastal"]}),),
        rounds=(DemoRound(90, 270),),
        credentials=_funds("nabcep_pv_associate epa_608 hvac_excellence nccer_electrical_1"),
        open=False,
    ),
)

DEMO_PROGRAM_CODES = tuple(program.code for program in PROGRAMS)

CREDENTIAL_REQUESTS: tuple[dict[str, Any], ...] = (
    {
        "program_code": "ITA-26",
        "title": "Certified Peer Recovery Specialist",
        "provider_name": "Lakeland Recovery Community Network",
        "provider_website": "https://www.lakelandrecovery.example/",
        "hours": 46,
        "cost": "450.00",
        "skills_taught": "Recovery-oriented support\nMotivational interviewing\nEthics and boundaries\n"
        "Crisis response and referral",
    },
    {
        "program_code": "SKILLCREDIT-26",
        "title": "GWO Basic Safety Training (Wind Turbine Technician)",
        "provider_name": "Great Lakes Wind Academy",
        "provider_website": "https://www.greatlakeswind.example/",
        "hours": 40,
        "cost": "1800.00",
        "skills_taught": "Working at heights\nFirst aid\nManual handling\nFire awareness",
    },
)

# ---------------------------------------------------------------- seeding


def _at_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _seed_skills(manager: User) -> dict[str, Skill]:
    skills = {}
    for key, (taxonomy, version, code, label) in _skill_specs().items():
        skill = Skill.objects.filter(taxonomy=taxonomy, taxonomy_version=version, code=code).first()
        if skill is None:
            skill = skill_save(
                actor=manager, taxonomy=taxonomy, taxonomy_version=version, code=code, label=label
            )
        skills[key] = skill
    return skills


def _seed_providers(manager: User, today: date) -> dict[str, TrainingProvider]:
    providers = {}
    for key, spec in PROVIDERS.items():
        provider = TrainingProvider.objects.filter(registration_number=spec.registration_number).first()
        if provider is None:
            provider = provider_save(
                actor=manager,
                name=spec.name,
                registration_number=spec.registration_number,
                website=spec.website,
                eligible_from=date(today.year - spec.years_listed, 7, 1),
                eligible_until=(
                    date(today.year + spec.listed_until_years, 6, 30) if spec.listed_until_years else None
                ),
            )
        providers[key] = provider
    return providers


def _seed_credentials(
    manager: User, skills: dict[str, Skill], providers: dict[str, TrainingProvider]
) -> dict[str, Credential]:
    for code, title in OCCUPATIONS.items():
        occupation_get_or_create(code=code, title=title)
    credentials = {}
    for spec in CREDENTIALS:
        provider = providers[spec.provider]
        ctid = demo_ctid(spec.title) if spec.with_ctid else None
        existing = Credential.objects.filter(ctid=ctid).first() if ctid else None
        existing = existing or Credential.objects.filter(title=spec.title, provider=provider).first()
        if existing is None:
            existing = credential_save(
                actor=manager,
                occupation_codes=spec.occupations,
                skills=[skills[key] for key in spec.skills],
                title=spec.title,
                provider=provider,
                description=spec.description,
                hours=spec.hours,
                duration_weeks=spec.weeks,
                cost=spec.cost,
                currency="USD",
                delivery_mode=spec.mode,
                ctid=ctid,
                website=spec.website,
            )
        credentials[spec.key] = existing
    return credentials


def _seed_program(manager: User, spec: DemoProgram, credentials: dict[str, Credential], today: date) -> None:
    program = program_create(
        actor=manager, code=spec.code, currency="USD", total_budget=spec.budget, **spec.fields
    )
    for scope, amount, note in spec.caps:
        cap_rule_add(actor=manager, program=program, scope=scope, amount=amount, note=note)
    for kind, parameters in spec.eligibility:
        eligibility_rule_add(actor=manager, program=program, kind=kind, parameters=parameters)
    for name, weight, guidance in spec.criteria:
        scoring_criterion_add(actor=manager, program=program, name=name, weight=weight, guidance=guidance)
    for demo_round in spec.rounds:
        opens = today + timedelta(days=demo_round.opens_in_days)
        round_save(
            actor=manager,
            program=program,
            name=f"{opens:%B %Y} round",
            opens_at=_at_midnight(opens),
            closes_at=_at_midnight(today + timedelta(days=demo_round.closes_in_days)),
            budget_share=demo_round.budget_share,
        )
    for key, maximum in spec.credentials:
        program_credential_set(
            actor=manager, program=program, credential=credentials[key], maximum_amount=maximum
        )
    if spec.open:
        program_transition(
            actor=manager,
            program=program,
            to_status=Program.Status.OPEN,
            reason="Demo data: open for applications",
        )


def _seed_credential_requests() -> None:
    worker = User.objects.filter(email__iexact=DEMO_WORKER_EMAIL).first()
    if worker is None:
        return
    for spec in CREDENTIAL_REQUESTS:
        fields = dict(spec)
        program = Program.objects.filter(code=fields.pop("program_code")).first()
        if CredentialRequest.objects.filter(requested_by=worker, title=fields["title"]).exists():
            continue
        credential_request_submit(actor=worker, program=program, **fields)


@transaction.atomic
def seed_demo_programs(*, manager: User) -> None:
    """Create the demo catalog and programs, as `manager`; a rerun adds only what is missing."""
    today = timezone.localdate()
    skills = _seed_skills(manager)
    providers = _seed_providers(manager, today)
    credentials = _seed_credentials(manager, skills, providers)
    for spec in PROGRAMS:
        if not Program.objects.filter(code=spec.code).exists():
            _seed_program(manager, spec, credentials, today)
    _seed_credential_requests()
