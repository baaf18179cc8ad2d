"""Writes the import test files in this folder (run once; the files are committed).

Each file imitates what a real program writes: LinkedIn's Connections.csv with its
preamble, CRM exports, Excel's Windows-1252 semicolon CSV and its UTF-16 "Unicode text",
a two-sheet workbook, vCard 3.0 and 4.0 from phones, and broken files.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def write(name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    (HERE / name).write_bytes(text.replace("\n", newline).encode(encoding))


write(
    "linkedin_connections.csv",
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    "addresses are missing. You will only see email addresses for connections who have "
    "allowed their connections to see or download their email address using this setting "
    'https://www.linkedin.com/psettings/privacy/email. You can learn more here."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Zoë,Müller,https://www.linkedin.com/in/zoe-muller,zoe.muller@acme.example,Acme GmbH,"
    "Head of Sales,15 Mar 2024\n"
    "Kenji,Watanabe,https://www.linkedin.com/in/kwatanabe,,Summit Labs,CTO,02 Jan 2023\n"
    '"Seán","O\'Brien",https://www.linkedin.com/in/sean-obrien,,"Brien & Sons, Ltd",'
    '"VP ""Growth""",28 Feb 2022\n'
    "Priya,Nair,https://www.linkedin.com/in/priyanair,priya@oakridge.example,Oakridge Dental,"
    "Practice Manager,07 Nov 2024\n"
    "Ana,García,https://www.linkedin.com/in/anagarcia,,,Founder,30 Apr 2021\n",
    encoding="utf-8",
    newline="\r\n",
)

write(
    "hubspot_contacts.csv",
    "\ufeffRecord ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,"
    "Create Date,Lifecycle Stage,Contact owner,Notes\n"
    "101,Emma,Schmidt,EMMA.SCHMIDT@Nordwind.example,+49 30 901820,Nordwind AG,CEO,"
    '2024-05-02 10:15,lead,Jamie Lee,"Asked for a demo.\nPrefers ""short"" calls."\n'
    "102,Oliver,Brown,oliver.brown@bluepeak.example,(415) 555-0132,Blue Peak Inc.,"
    "Head of Ops,2024-05-03 09:00,lead,Jamie Lee,\n"
    "103,Broken,Address,oliver at bluepeak,+14155550199,Blue Peak Inc.,Analyst,"
    "2024-05-03 09:00,lead,Jamie Lee,\n"
    "104,Late,Date,late.date@bluepeak.example,,Blue Peak Inc.,Analyst,"
    "sometime next week,lead,Jamie Lee,\n"
    ",,,,,,,,,,\n"
    "105,,,,+14155550111,Nameless Corp,,2024-05-04 08:00,lead,,no name and no email\n"
    "106,Farah,Haddad,farah@cedar.example,+14155550123,Cedar & Co,Buyer,"
    "2024-05-05 12:00,customer,Sam Park,\n",
)

write(
    "pipedrive_people.csv",
    '"Person - Name","Person - Organization","Person - Email - Work",'
    '"Person - Phone - Work","Person - Labels","Person - Owner","Person - Person created"\n'
    '"Lena Fischer","Brightline","lena@brightline.example","+4915112345678","Hot lead",'
    '"Sam Park","2024-06-01 08:30:00"\n'
    '"Marco Rossi","Brightline","marco@brightline.example","+393331234567","Warm",'
    '"Sam Park","2024-06-02 09:00:00"\n'
    '"LENA FISCHER","Brightline","Lena@Brightline.example","","Hot lead","Sam Park",'
    '"2024-06-03 10:00:00"\n'
    '"Marco Rosi","Brightline","","","","Sam Park","2024-06-04 11:00:00"\n',
)

write(
    "salesforce_leads.csv",
    "First Name,Last Name,Title,Company,Email,Phone,Mobile,Lead Source,Created Date,"
    "Description\n"
    "Hugo,Martin,Director,Lumen SARL,hugo.martin@lumen.example,+33 1 42 68 53 00,,"
    "Web,03/14/2024,From the pricing page\n"
    "Grace,Okafor,Buyer,Harbor Foods,grace@harbor.example,,+2348031234567,Referral,"
    "03/15/2024\n"
    "Felix,Wagner,CFO,Stadtwerk,felix@stadtwerk.example,,,Trade Show,03/16/2024,"
    "Met at the fair,extra cell one,extra cell two\n",
)

write(
    "excel_cp1252_semicolon.csv",
    "Name;Firma;E-Mail;Telefon;Position;Notizen\n"
    "Jürgen Weiß;Müller & Söhne GmbH;juergen.weiss@mueller-soehne.example;030 1234567;"
    "Geschäftsführer;Preis: 1.200 €\n"
    "Chloé Lefèvre;Société Générale;chloe.lefevre@sg.example;+33 1 42 14 20 00;"
    "Directrice;« très intéressée »\n"
    "Łukasz Nowak;Nowak Sp. z o.o.;lukasz@nowak.example;;Prezes;\n".replace(
        "Łukasz Nowak", "Lukas Nowak"
    ),
    encoding="cp1252",
    newline="\r\n",
)

write(
    "excel_unicode_text.txt",
    "\ufeffName\tCompany\tEmail\tPhone\tTitle\n"
    "Søren Kierkegaard\tKøbenhavn ApS\tsoren@kobenhavn.example\t+4533121212\tOwner\n"
    "Dmitri Volkov\tВосток ООО\tdmitri@vostok.example\t+74951234567\tДиректор\n"
    "Xin Li\t北京科技\txin.li@beijing.example\t+861012345678\t经理\n",
    encoding="utf-16-le",
    newline="\r\n",
)

write(
    "contacts_v3.vcf",
    "BEGIN:VCARD\nVERSION:3.0\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\n"
    "N:Okoye;Nia;;;\nFN:Nia Okoye\nORG:Sunrise Travel;\nTITLE:Owner\n"
    "EMAIL;type=INTERNET;type=WORK;type=pref:nia@sunrise.example\n"
    "TEL;type=CELL;type=VOICE;type=pref:+1 (212) 555-0147\n"
    "NOTE:Met at the Lisbon fair\\, wants a call in May\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:3.0\nN:Berg;Sven;;;\nFN:Sven Berg\nORG:Nordic Tools AB\n"
    "TEL;type=WORK:+46 8 123 456 78\nCATEGORIES:fair,nordics\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:3.0\nN:Tanaka;Yusuf;;;\nFN:Yusuf Tanaka\n"
    "EMAIL;type=INTERNET;type=HOME:yusuf.tanaka@mail.example\n"
    "EMAIL;type=INTERNET;type=WORK;type=pref:yusuf@kaizen.example\nORG:Kaizen Partners\n"
    "NOTE:A very long note that a phone program folds over two lines because it is lo\n"
    " nger than seventy-five characters\nEND:VCARD\n",
    newline="\r\n",
)

write(
    "contacts_v4.vcf",
    "BEGIN:VCARD\nVERSION:4.0\nFN:Rosa Delgado\nN:Delgado;Rosa;;;\n"
    "EMAIL;TYPE=work;PREF=1:rosa@verde.example\nEMAIL;TYPE=home:rosa.d@mail.example\n"
    'TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+34-91-123-4567\n'
    "ORG:Verde Energía;Ventas\nTITLE:Jefa de ventas\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:4.0\nFN:Olga Petrova\nN:Petrova;Olga;;;\n"
    "EMAIL:olga@volga.example\nTEL;VALUE=uri:tel:+7-495-765-4321\nORG:Volga Trade\n"
    "END:VCARD\n",
)

# A 5 MB value in one cell (git stores it compressed to a few kilobytes).
write("huge_cell.csv", 'Name,Notes\nAna,"' + "x" * (5 * 1024 * 1024) + '"\n')
write(
    "broken_card.vcf",
    "BEGIN:VCARD\nVERSION:3.0\nFN:Good Card\nEMAIL:good@card.example\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:3.0\nFN:Broken\nN:a;b;c;d;e;f;g;h\nBDAY:not a date at all\n"
    "this line is not a property\nEND:VCARD\n",
)
write("header_only.csv", "First Name,Last Name,Email Address,Company\n")
write("empty.csv", "")
(HERE / "binary.csv").write_bytes(bytes(range(256)) * 8)
write("text_named.xlsx", "Name,Email\nAna,ana@x.example\n")
write("contacts.pdf", "%PDF-1.4\n% not a contact list\n")


def workbook() -> None:
    import datetime

    from openpyxl import Workbook

    book = Workbook()
    leads = book.active
    leads.title = "Leads"
    leads.append(["Exported from the team sheet"])
    leads.append([])
    leads.append(["Full Name", "Company", "Email", "Phone", "Deal Value", "Date Added"])
    leads.append(
        [
            "Tara Singh",
            "Kite Labs",
            "tara@kite.example",
            4915112345678,
            1200.5,
            datetime.datetime(2024, 2, 1),
        ]
    )
    leads.append(
        [
            "Bruno Costa",
            "Porto Wines",
            "bruno@porto.example",
            "+351 21 123 4567",
            800,
            datetime.datetime(2024, 2, 3, 14, 30),
        ]
    )
    leads.append(["Elif Kaya", "Anatolia Textiles", "elif@anatolia.example", None, None, None])
    customers = book.create_sheet("Customers")
    customers.append(["Name", "Email", "Company"])
    customers.append(["Julia Novak", "julia@novak.example", "Novak Design"])
    book.save(HERE / "workbook_two_sheets.xlsx")
    (HERE / "workbook_named.csv").write_bytes((HERE / "workbook_two_sheets.xlsx").read_bytes())


workbook()
