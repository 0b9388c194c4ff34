<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
  <context>
    <name />
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>Business hours: unknown</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>The policies are not loaded yet.</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>{symbol} Phone lines open: {open} of {total}</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>Support open: {open} of {total}</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>Phone</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>Support</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>open now</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>closed, opens {when}</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>BusinessHoursIndicator</source>
      <comment>closed</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>New</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Open</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Waiting on customer</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Waiting on third party</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>On hold</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Resolved</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Closed</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Pauses the SLA clocks until the customer answers; a customer message reopens it.</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Pauses our SLA clocks while a third party (a seller, a carrier) must act; their own response time keeps running.</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Pauses the SLA clocks while the ticket is on hold.</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Pauses the SLA clocks under this policy.</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Startup</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Enterprise</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Inbound call</comment>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>AgentLoadChart</name>
    <message>
      <source>Open tickets per agent</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Click a bar to open those tickets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Unassigned</source>
      <translation>Belum ditugaskan</translation>
    </message>
    <message>
      <source>Open tickets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Open tickets: {name}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>AssignDialog</name>
    <message>
      <source>Assign ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Nobody (unassigned)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Assign to:</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>BacklogAgeingChart</name>
    <message>
      <source>under 1 day</source>
      <extracomment>The server's age buckets (`reports.backlog.AGE_BUCKETS`) as (min days, max days or None). How the age buckets read on the axis (Qt Charts takes "&lt;1d" for a tag and drops it).</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>1–3 days</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>3–7 days</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>1–2 weeks</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>2–4 weeks</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>30+ days</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Backlog ageing (open tickets by age)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Click a bar to open those tickets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{status}, open {age}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>CallTimerDisplay</name>
    <message>
      <source>Call time {time}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Pause timer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Resume &amp;timer</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ChartCard</name>
    <message>
      <source>No data for this period.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ComplianceTrendChart</name>
    <message>
      <source>SLA compliance trend</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>All measures</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>Composer</name>
    <message>
      <source>&amp;Reply to customer</source>
      <extracomment>(kind, text): the agent pressed Send. Whether the agent is typing a public reply (for presence).</extracomment>
      <translation>&amp;Balas pelanggan</translation>
    </message>
    <message>
      <source>Internal &amp;note</source>
      <translation>&amp;Catatan internal</translation>
    </message>
    <message>
      <source>&amp;Canned response:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Add note</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Only staff see internal notes. Ctrl+Enter adds it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Write an internal note for your colleagues…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Send reply</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The customer receives this reply. Ctrl+Enter sends it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Write your reply to the customer…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Insert…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>None for this policy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Nothing to send: write something first.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>DashboardFigures</name>
    <message>
      <source>First response</source>
      <translation>Respons pertama</translation>
    </message>
    <message>
      <source>Next response</source>
      <translation>Respons berikutnya</translation>
    </message>
    <message>
      <source>Periodic update</source>
      <translation>Pembaruan berkala</translation>
    </message>
    <message>
      <source>Resolution</source>
      <translation>Penyelesaian</translation>
    </message>
    <message>
      <source>Tier {tier} budget</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Tier budgets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>New</source>
      <translation>Baru</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Terbuka</translation>
    </message>
    <message>
      <source>Waiting on customer</source>
      <translation>Menunggu pelanggan</translation>
    </message>
    <message>
      <source>Waiting on third party</source>
      <translation>Menunggu pihak ketiga</translation>
    </message>
    <message>
      <source>On hold</source>
      <translation>Ditahan</translation>
    </message>
  </context>
  <context>
    <name>DashboardPlaceholder</name>
    <message>
      <source>The managers' dashboard (SLA compliance, volumes, CSAT) appears here.</source>
      <translation>Dasbor manajer (kepatuhan SLA, volume, CSAT) tampil di sini.</translation>
    </message>
  </context>
  <context>
    <name>DashboardView</name>
    <message>
      <source>The dashboard is for managers. Your role ({role}) does not include SLA reports.</source>
      <extracomment>Live changes refresh the figures at most this often (milliseconds). Compliance at or above this is shown green; below WARN_BELOW red. A ticket filter to show as a queue: {"statuses", "queue_id", "policy", "assignee_id", ...}. A ticket to open (from "Most overdue"). Every report of a refresh has arrived (or failed). A short message for the status bar.</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>SLA dashboard</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Last {n} days</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Daily</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Weekly</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>All queues</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>All policies</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Refresh</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export PDF…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Period</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Trend</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Queue</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Policy</source>
      <translation>Kebijakan</translation>
    </message>
    <message>
      <source>SLA compliance</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Open breaches</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Escalations waiting</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Backlog</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Customer satisfaction</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>At risk of breach</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Breached</source>
      <translation>Dilanggar</translation>
    </message>
    <message>
      <source>Exported {n} rows to {path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Some figures could not be refreshed ({error}); the others are current.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Unassigned</source>
      <translation>Belum ditugaskan</translation>
    </message>
    <message>
      <source>Tier {n}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{met} of {total} SLA targets met</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{n} near breach</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>unacknowledged · budget run out: {n}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>open tickets · {n} older than 3 days</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>no survey answers in the period</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{pct} satisfied · {n} answers</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{start} – {end} (UTC) · figures as of {now}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The server refused the reports: {error}
The dashboard is for managers.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export dashboard as PDF</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>PDF files (*.pdf)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Dashboard exported to {path}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>DeskController</name>
    <message>
      <source>Starting the demo store…</source>
      <translation>Menjalankan server demo…</translation>
    </message>
    <message>
      <source>Logging in as the demo {role}…</source>
      <translation>Masuk sebagai {role} demo…</translation>
    </message>
    <message>
      <source>Switching to the demo {role}…</source>
      <translation>Beralih ke {role} demo…</translation>
    </message>
    <message>
      <source>Desk</source>
      <translation>Desk</translation>
    </message>
  </context>
  <context>
    <name>EntryCard</name>
    <message>
      <source>Sending…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Saved on this computer; it is sent when the server is reachable.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Download and open {name}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The customer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{customer} wrote (logged by {author})</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{customer} wrote</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{author} replied</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Internal note by {author}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Phone call logged by {author}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>EscalationPromptDialog</name>
    <message>
      <source>Escalation due</source>
      <extracomment>An item shown for the first time (once per escalation, across restarts). The whole list, after any change (most recent last).</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{ticket} needs a decision</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The customer asked for an escalation to {tier}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Your tier's time budget for this ticket is used up. Escalate it to {tier}, or keep it with a note saying why.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reason for escalating, or the note for keeping (required)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Escalate to {tier}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Add note and &amp;keep</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>New escalation</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{ticket} was escalated to {tier}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reason: {reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Take ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Open ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Later</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>It stays in “Needs attention” until handled.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Write the reason (or the note) first.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>FlowChart</name>
    <message>
      <source>Arrivals vs resolutions</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Arrivals</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Resolved or closed</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>LogCallDialog</name>
    <message>
      <source>Log call</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Inbound (the customer called)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Outbound (we called)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>What was said, what was agreed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Number:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Direction:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>N&amp;otes:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Log call</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <source>The user name or password is wrong. Check them and try again.</source>
      <translation>Nama pengguna atau kata sandi salah. Periksa lalu coba lagi.</translation>
    </message>
    <message>
      <source>The server's certificate is not trusted, so the connection was not made. Check the server address, or ask your administrator for the certificate. ({detail})</source>
      <translation>Sertifikat server tidak tepercaya, sehingga koneksi tidak dibuat. Periksa alamat server, atau minta sertifikatnya kepada administrator Anda. ({detail})</translation>
    </message>
    <message>
      <source>Cannot reach the server at {url}. Check the address and your network connection. ({detail})</source>
      <translation>Server di {url} tidak dapat dihubungi. Periksa alamat dan koneksi jaringan Anda. ({detail})</translation>
    </message>
    <message>
      <source>Too many failed attempts. Wait {seconds} seconds, then try again.</source>
      <translation>Terlalu banyak percobaan gagal. Tunggu {seconds} detik, lalu coba lagi.</translation>
    </message>
    <message>
      <source>The server refused the login: {detail}</source>
      <translation>Server menolak login: {detail}</translation>
    </message>
    <message>
      <source>Logging in failed unexpectedly: {detail}</source>
      <translation>Login gagal secara tak terduga: {detail}</translation>
    </message>
    <message>
      <source>Log in to Desk</source>
      <extracomment>The login worked: the new (not yet started) session. A login attempt failed: the message shown.</extracomment>
      <translation>Masuk ke Desk</translation>
    </message>
    <message>
      <source>Enter the address of your support server and your account.</source>
      <translation>Masukkan alamat server dukungan dan akun Anda.</translation>
    </message>
    <message>
      <source>Remember me on this computer</source>
      <translation>Ingat saya di komputer ini</translation>
    </message>
    <message>
      <source>No secure keychain is available on this computer.</source>
      <translation>Tidak ada keychain aman di komputer ini.</translation>
    </message>
    <message>
      <source>Keeps your password in the system keychain</source>
      <translation>Menyimpan kata sandi Anda di keychain sistem</translation>
    </message>
    <message>
      <source>&amp;Server:</source>
      <translation>&amp;Server:</translation>
    </message>
    <message>
      <source>&amp;User name:</source>
      <translation>&amp;Nama pengguna:</translation>
    </message>
    <message>
      <source>&amp;Password:</source>
      <translation>&amp;Kata sandi:</translation>
    </message>
    <message>
      <source>&amp;Log in</source>
      <translation>&amp;Masuk</translation>
    </message>
    <message>
      <source>Enter the server, your user name and your password.</source>
      <translation>Masukkan server, nama pengguna, dan kata sandi Anda.</translation>
    </message>
    <message>
      <source>Logging in…</source>
      <translation>Sedang masuk…</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Desk — {name} ({role})</source>
      <extracomment>The first sync filled the window (queue rows and counts read after it). Demo: the agent asked to look through another demo user's eyes. File &gt; Log out. The window closed (the caller stops the session off the UI thread).</extracomment>
      <translation>Desk — {name} ({role})</translation>
    </message>
    <message>
      <source>Agent</source>
      <translation>Agen</translation>
    </message>
    <message>
      <source>Specialist</source>
      <translation>Spesialis</translation>
    </message>
    <message>
      <source>Manager</source>
      <translation>Manajer</translation>
    </message>
    <message>
      <source>Administrator</source>
      <translation>Administrator</translation>
    </message>
    <message>
      <source>Workspace</source>
      <translation>Ruang kerja</translation>
    </message>
    <message>
      <source>Dashboard</source>
      <translation>Dasbor</translation>
    </message>
    <message>
      <source>{name} · {role}</source>
      <translation>{name} · {role}</translation>
    </message>
    <message>
      <source>&amp;Search tickets</source>
      <translation>&amp;Cari tiket</translation>
    </message>
    <message>
      <source>&amp;Next ticket</source>
      <translation>Tiket &amp;berikutnya</translation>
    </message>
    <message>
      <source>&amp;Previous ticket</source>
      <translation>Tiket se&amp;belumnya</translation>
    </message>
    <message>
      <source>&amp;Reply to customer</source>
      <translation>&amp;Balas pelanggan</translation>
    </message>
    <message>
      <source>Internal &amp;note</source>
      <translation>&amp;Catatan internal</translation>
    </message>
    <message>
      <source>&amp;Escalate…</source>
      <translation>&amp;Eskalasi…</translation>
    </message>
    <message>
      <source>New ticket from &amp;call…</source>
      <translation>Tiket baru dari &amp;panggilan…</translation>
    </message>
    <message>
      <source>&amp;Log call…</source>
      <translation>Catat &amp;panggilan…</translation>
    </message>
    <message>
      <source>Go to queues</source>
      <translation>Ke daftar antrean</translation>
    </message>
    <message>
      <source>Go to tickets</source>
      <translation>Ke daftar tiket</translation>
    </message>
    <message>
      <source>Go to ticket</source>
      <translation>Ke tiket</translation>
    </message>
    <message>
      <source>Sync &amp;now</source>
      <translation>Sinkronkan &amp;sekarang</translation>
    </message>
    <message>
      <source>Log &amp;out</source>
      <translation>&amp;Keluar akun</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>&amp;Tutup</translation>
    </message>
    <message>
      <source>&amp;Keyboard shortcuts</source>
      <translation>&amp;Pintasan keyboard</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>&amp;Berkas</translation>
    </message>
    <message>
      <source>&amp;Ticket</source>
      <translation>&amp;Tiket</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>&amp;Tampilan</translation>
    </message>
    <message>
      <source>&amp;Columns</source>
      <translation>&amp;Kolom</translation>
    </message>
    <message>
      <source>&amp;Demo</source>
      <translation>&amp;Demo</translation>
    </message>
    <message>
      <source>&amp;Switch role</source>
      <translation>&amp;Ganti peran</translation>
    </message>
    <message>
      <source>Agent (Tier 1)</source>
      <translation>Agen (Tingkat 1)</translation>
    </message>
    <message>
      <source>Specialist (Tier 2)</source>
      <translation>Spesialis (Tingkat 2)</translation>
    </message>
    <message>
      <source>Manager (Tier 3, dashboard)</source>
      <translation>Manajer (Tingkat 3, dasbor)</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>Ban&amp;tuan</translation>
    </message>
    <message>
      <source>Main toolbar</source>
      <translation>Bilah alat utama</translation>
    </message>
    <message>
      <source>Filtered tickets</source>
      <translation>Tiket terfilter</translation>
    </message>
    <message>
      <source>Showing: {title}</source>
      <translation>Menampilkan: {title}</translation>
    </message>
    <message>
      <source>Open a ticket in the ticket panel first.</source>
      <translation>Buka tiket di panel tiket terlebih dahulu.</translation>
    </message>
    <message>
      <source>Phone tools are not installed in this build.</source>
      <translation>Alat telepon tidak terpasang di versi ini.</translation>
    </message>
    <message>
      <source>Select a ticket to log a call on it.</source>
      <translation>Pilih tiket untuk mencatat panggilan.</translation>
    </message>
    <message>
      <source>Keyboard shortcuts</source>
      <translation>Pintasan keyboard</translation>
    </message>
    <message>
      <source>Log in again</source>
      <translation>Masuk lagi</translation>
    </message>
    <message>
      <source>Your session on {server} has ended. Enter the password for {user} to go on; your work so far is kept.</source>
      <translation>Sesi Anda di {server} telah berakhir. Masukkan kata sandi untuk {user} untuk melanjutkan; pekerjaan Anda tetap tersimpan.</translation>
    </message>
    <message>
      <source>Logged in again.</source>
      <translation>Berhasil masuk lagi.</translation>
    </message>
    <message>
      <source>a new ticket</source>
      <translation>tiket baru</translation>
    </message>
    <message>
      <source>The server refused a change to {ticket}: {message}</source>
      <translation>Server menolak perubahan pada {ticket}: {message}</translation>
    </message>
    <message>
      <source>Your text was kept as a draft.</source>
      <translation>Teks Anda disimpan sebagai draf.</translation>
    </message>
  </context>
  <context>
    <name>NeedsAttention</name>
    <message>
      <source>Needs attention</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{number}: escalation due to {tier}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{number}: escalated to {tier}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Needs &amp;attention ({count})</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Escalation due: {number}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Escalated to {tier}: {number}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>NewTicketFromCallDialog</name>
    <message>
      <source>New ticket from call</source>
      <extracomment>The new ticket's id (a negative placeholder until the server has it).</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Caller's number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Phone, e-mail or order id</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Matching customers</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>For a new customer</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>What the caller needs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Caller &amp;number:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Find customer:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Matches:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Customer n&amp;ame:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;E-mail:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Policy:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Category:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>P&amp;riority:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Order id:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Subject:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No&amp;tes:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Create &amp;ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No policy served by this desk has a phone line.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No customer found: a new one is created.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Phone call from {number}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>unknown number</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Enter the caller's name, or pick a matching customer.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Choose the policy, category and priority.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Enter the caller's number.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>Ops</name>
    <message>
      <source>Something went wrong</source>
      <extracomment>After an op's callbacks ran (or were skipped): the Op.</extracomment>
      <translation>Terjadi kesalahan</translation>
    </message>
  </context>
  <context>
    <name>QCoreApplication</name>
    <message>
      <source>TicketLabels</source>
      <comment>Standard</comment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>TicketLabels</source>
      <comment>Outbound call</comment>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>QueueView</name>
    <message>
      <source>Tickets in the queue</source>
      <extracomment>The current ticket changed: its id, or None. A full load of the current queue was shown: the number of rows. Changed rows were applied (tests wait on it).</extracomment>
      <translation>Tiket dalam antrean</translation>
    </message>
  </context>
  <context>
    <name>Queues</name>
    <message>
      <source>My open tickets</source>
      <extracomment>"Breaching soon": a counting clock due within this many seconds (or already overdue). Above this many rows a queue is built from the queue columns alone: the clock's warning time (in the ticket JSON) is left out, and the row turns "warning" when the server says so rather than on its own.</extracomment>
      <translation>Tiket terbuka saya</translation>
    </message>
    <message>
      <source>Unassigned</source>
      <translation>Belum ditugaskan</translation>
    </message>
    <message>
      <source>Breaching soon</source>
      <translation>Segera melanggar SLA</translation>
    </message>
    <message>
      <source>Waiting on customer</source>
      <translation>Menunggu pelanggan</translation>
    </message>
    <message>
      <source>Escalated to me (Tier {tier})</source>
      <translation>Dieskalasi ke saya (Tingkat {tier})</translation>
    </message>
    <message>
      <source>Tier {tier}</source>
      <translation>Tingkat {tier}</translation>
    </message>
    <message>
      <source>All tickets</source>
      <translation>Semua tiket</translation>
    </message>
  </context>
  <context>
    <name>ReasonDialog</name>
    <message>
      <source>&amp;To:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Reason:</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ReportTableModel</name>
    <message>
      <source>(none)</source>
      <extracomment>Computes the raw value from the row when it is not simply `row[key]`.</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Unassigned</source>
      <translation>Belum ditugaskan</translation>
    </message>
    <message>
      <source>Group</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Measure</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Met</source>
      <translation>Terpenuhi</translation>
    </message>
    <message>
      <source>Missed</source>
      <translation>Terlewat</translation>
    </message>
    <message>
      <source>Overdue (open)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Total</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>% met</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Agent</source>
      <translation>Agen</translation>
    </message>
    <message>
      <source>Open tickets</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Replies</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Calls</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>First responses</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Median first response</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>CSAT answers</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>CSAT (1-5)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>% satisfied</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Count</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Mean</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Median</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>90th percentile</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Tier</source>
      <translation>Tingkat</translation>
    </message>
    <message>
      <source>Escalated into</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Budget expired</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Manual</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Customer request</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Waiting now</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Median time at tier</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>90th pct. time at tier</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Subject</source>
      <translation>Subjek</translation>
    </message>
    <message>
      <source>Clock</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Policy</source>
      <translation>Kebijakan</translation>
    </message>
    <message>
      <source>Overdue (hours)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Double-click to open these tickets</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ReportTables</name>
    <message>
      <source>Queue</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Category</source>
      <translation>Kategori</translation>
    </message>
    <message>
      <source>Priority</source>
      <translation>Prioritas</translation>
    </message>
    <message>
      <source>Channel</source>
      <translation>Saluran</translation>
    </message>
    <message>
      <source>Customer tier</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Policy</source>
      <translation>Kebijakan</translation>
    </message>
    <message>
      <source>Agent</source>
      <translation>Agen</translation>
    </message>
    <message>
      <source>SLA compliance</source>
      <extracomment>The grouping of the compliance and times tables changed (a dimension name). A CSV file was written: (path, rows).</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Response times</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Agent performance</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Escalations by tier</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Most overdue</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export CSV…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Group by:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Export table as CSV</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>CSV files (*.csv)</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>SearchBox</name>
    <message>
      <source>Search tickets: number, order id, phone, e-mail or words</source>
      <extracomment>The agent chose a ticket from the results: its id. Results for the text now in the box were shown (tests and accessibility).</extracomment>
      <translation>Cari tiket: nomor, ID pesanan, telepon, e-mail, atau kata</translation>
    </message>
    <message>
      <source>Search tickets</source>
      <translation>Cari tiket</translation>
    </message>
    <message>
      <source>Searches the tickets on this computer as you type</source>
      <translation>Mencari tiket di komputer ini saat Anda mengetik</translation>
    </message>
    <message>
      <source>No ticket matches “{text}”</source>
      <translation>Tidak ada tiket yang cocok dengan “{text}”</translation>
    </message>
  </context>
  <context>
    <name>Sidebar</name>
    <message>
      <source>Queues</source>
      <extracomment>The agent picked a queue. After new counts were shown: {spec key: count}.</extracomment>
      <translation>Antrean</translation>
    </message>
    <message>
      <source>Views</source>
      <translation>Tampilan</translation>
    </message>
    <message numerus="yes">
      <source>%n ticket(s)</source>
      <translation>
        <numerusform>%n tiket</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>{queue}: %n ticket(s)</source>
      <translation>
        <numerusform>{queue}: %n tiket</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SlaDisplay</name>
    <message>
      <source>{days}d {hours}h</source>
      <translation>{days}h {hours}j</translation>
    </message>
    <message>
      <source>{hours}h {minutes}m</source>
      <translation>{hours}j {minutes}m</translation>
    </message>
    <message>
      <source>{minutes}m</source>
      <translation>{minutes}m</translation>
    </message>
    <message>
      <source>{seconds}s</source>
      <translation>{seconds}d</translation>
    </message>
    <message>
      <source>paused</source>
      <translation>dijeda</translation>
    </message>
    <message>
      <source>met</source>
      <translation>terpenuhi</translation>
    </message>
    <message>
      <source>missed</source>
      <translation>terlewat</translation>
    </message>
    <message>
      <source>Running</source>
      <translation>Berjalan</translation>
    </message>
    <message>
      <source>Warning</source>
      <translation>Peringatan</translation>
    </message>
    <message>
      <source>Breached</source>
      <translation>Dilanggar</translation>
    </message>
    <message>
      <source>Paused</source>
      <translation>Dijeda</translation>
    </message>
    <message>
      <source>Met</source>
      <translation>Terpenuhi</translation>
    </message>
    <message>
      <source>Missed</source>
      <translation>Terlewat</translation>
    </message>
    <message>
      <source>No SLA clock</source>
      <translation>Tidak ada jam SLA</translation>
    </message>
    <message>
      <source>SLA clock</source>
      <translation>Jam SLA</translation>
    </message>
    <message>
      <source>First response</source>
      <translation>Respons pertama</translation>
    </message>
    <message>
      <source>Next response</source>
      <translation>Respons berikutnya</translation>
    </message>
    <message>
      <source>Periodic update</source>
      <translation>Pembaruan berkala</translation>
    </message>
    <message>
      <source>Resolution</source>
      <translation>Penyelesaian</translation>
    </message>
    <message>
      <source>Tier {level} budget</source>
      <translation>Anggaran Tingkat {level}</translation>
    </message>
    <message>
      <source>Evidence window ({party})</source>
      <translation>Batas waktu bukti ({party})</translation>
    </message>
    <message>
      <source>Response due from {party}</source>
      <translation>Tanggapan ditunggu dari {party}</translation>
    </message>
    <message>
      <source>emergency mode “{mode}” is on</source>
      <translation>mode darurat “{mode}” aktif</translation>
    </message>
    <message>
      <source>waiting on the customer</source>
      <translation>menunggu pelanggan</translation>
    </message>
    <message>
      <source>waiting on a third party</source>
      <translation>menunggu pihak ketiga</translation>
    </message>
    <message>
      <source>on hold</source>
      <translation>ditahan</translation>
    </message>
    <message>
      <source>status “{status}”</source>
      <translation>status “{status}”</translation>
    </message>
    <message>
      <source>No SLA clock is running on this ticket.</source>
      <translation>Tidak ada jam SLA yang berjalan pada tiket ini.</translation>
    </message>
    <message>
      <source>Due if resumed now: {when}</source>
      <translation>Jatuh tempo bila dilanjutkan sekarang: {when}</translation>
    </message>
    <message>
      <source>Due: {when} (in {left})</source>
      <translation>Jatuh tempo: {when} (dalam {left})</translation>
    </message>
    <message>
      <source>Was due: {when} ({late} ago)</source>
      <translation>Jatuh tempo: {when} ({late} yang lalu)</translation>
    </message>
    <message>
      <source>Warning from: {when}</source>
      <translation>Peringatan mulai: {when}</translation>
    </message>
    <message>
      <source>Business time left: {left}</source>
      <translation>Sisa waktu kerja: {left}</translation>
    </message>
    <message>
      <source>Business time left at the last update: {left}</source>
      <translation>Sisa waktu kerja pada pembaruan terakhir: {left}</translation>
    </message>
    <message>
      <source>Paused: {reason}</source>
      <translation>Dijeda: {reason}</translation>
    </message>
    <message>
      <source>Standard customer</source>
      <translation>Pelanggan standar</translation>
    </message>
    <message>
      <source>Startup customer</source>
      <translation>Pelanggan startup</translation>
    </message>
    <message>
      <source>Enterprise customer</source>
      <translation>Pelanggan enterprise</translation>
    </message>
    <message>
      <source>Customer tier: {tier}</source>
      <translation>Tingkat pelanggan: {tier}</translation>
    </message>
  </context>
  <context>
    <name>StatusDialog</name>
    <message>
      <source>Change status</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{status} (pauses SLA)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Status:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Optional internal note</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Note:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Stops the SLA clocks; a new customer message reopens the ticket.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The SLA clocks run.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>SyncStatusWidget</name>
    <message>
      <source>Connecting…</source>
      <translation>Menghubungkan…</translation>
    </message>
    <message>
      <source>Syncing…</source>
      <translation>Menyinkronkan…</translation>
    </message>
    <message>
      <source>Online</source>
      <translation>Daring</translation>
    </message>
    <message>
      <source>Offline</source>
      <translation>Luring</translation>
    </message>
    <message>
      <source>Login expired</source>
      <translation>Sesi login berakhir</translation>
    </message>
    <message>
      <source>Stopped</source>
      <translation>Berhenti</translation>
    </message>
    <message>
      <source>Syncing… {count} tickets</source>
      <translation>Menyinkronkan… {count} tiket</translation>
    </message>
    <message numerus="yes">
      <source>%n change(s) waiting to be sent</source>
      <translation>
        <numerusform>%n perubahan menunggu dikirim</numerusform>
      </translation>
    </message>
    <message>
      <source>All changes sent</source>
      <translation>Semua perubahan terkirim</translation>
    </message>
    <message>
      <source>Changes made here that the server has not confirmed yet</source>
      <translation>Perubahan di sini yang belum dikonfirmasi server</translation>
    </message>
    <message>
      <source>Not synced yet</source>
      <translation>Belum disinkronkan</translation>
    </message>
    <message>
      <source>Last sync {time}</source>
      <translation>Sinkron terakhir {time}</translation>
    </message>
  </context>
  <context>
    <name>ThreadView</name>
    <message>
      <source>Conversation</source>
      <translation>Percakapan</translation>
    </message>
    <message>
      <source>Loading the conversation…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Part of the conversation is not on this computer yet; it appears when the server is reachable.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>TicketActionsBar</name>
    <message>
      <source>&amp;Take</source>
      <extracomment>The agent asked to log a call on the ticket (the panel opens the dialog).</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Assign this ticket to yourself</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Assign…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Assign to a colleague</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Stat&amp;us…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Change the ticket's status</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Escalate…</source>
      <translation>&amp;Eskalasi…</translation>
    </message>
    <message>
      <source>Move the ticket up to the next tier, with a reason</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;De-escalate…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Move the ticket back down a tier, with a reason</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Res&amp;olve</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Mark the ticket resolved</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reo&amp;pen</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Open the ticket again</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Log call…</source>
      <translation>Catat &amp;panggilan…</translation>
    </message>
    <message>
      <source>Record a phone call with the customer on this ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Not done: {reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>You took {number}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{number} is now “{status}”.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Assignment recorded.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{number} escalated.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Escalate ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Why does this ticket need the next tier? Your colleagues read this.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{number} de-escalated.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>De-escalate ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Why can a lower tier handle this ticket?</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>TicketHeader</name>
    <message>
      <source>Customer</source>
      <translation>Pelanggan</translation>
    </message>
    <message>
      <source>Policy</source>
      <translation>Kebijakan</translation>
    </message>
    <message>
      <source>Category</source>
      <translation>Kategori</translation>
    </message>
    <message>
      <source>Priority</source>
      <translation>Prioritas</translation>
    </message>
    <message>
      <source>Channel</source>
      <translation>Saluran</translation>
    </message>
    <message>
      <source>Tier</source>
      <translation>Tingkat</translation>
    </message>
    <message>
      <source>Assignee</source>
      <translation>Petugas</translation>
    </message>
    <message>
      <source>Order</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>SLA</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No SLA clock is running.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>No ticket selected</source>
      <translation>Tidak ada tiket yang dipilih</translation>
    </message>
    <message>
      <source>Unassigned</source>
      <translation>Belum ditugaskan</translation>
    </message>
  </context>
  <context>
    <name>TicketLabels</name>
    <message>
      <source>Tier {level}</source>
      <translation>Tingkat {level}</translation>
    </message>
  </context>
  <context>
    <name>TicketPanel</name>
    <message>
      <source>Escalate…</source>
      <extracomment>The ticket shown (None: none), after it was loaded. Where an attachment's bytes are (under /api/v1).</extracomment>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Add note and keep…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>This ticket is no longer in your view.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{mode} is on: {notice}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The customer asked for an escalation: hand this ticket to {tier}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>This tier's time budget is used up: escalate to {tier}, or keep it with a note.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>It moves up by itself at {when}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Escalate to {tier}…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{names} replying now</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{names} viewing</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Also on this ticket: {who}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>The server refused a change to {number}: {message}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Not sent: {reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Reply queued for {number}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Note added to {number}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Escalate to {tier}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Why does this ticket go up? The next tier reads this.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Reason:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Keep the ticket</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Why can your tier still settle it? The note is internal and restarts the tier's budget.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>&amp;Note:</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Not done: {reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Call logged.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Downloading {name}…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Opened {name}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Could not open {name}: {reason}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>TicketSummaryPlaceholder</name>
    <message>
      <source>Conversation</source>
      <extracomment>The shown ticket was (re)loaded: its id.</extracomment>
      <translation>Percakapan</translation>
    </message>
    <message>
      <source>No ticket selected</source>
      <translation>Tidak ada tiket yang dipilih</translation>
    </message>
    <message>
      <source>Pick a ticket in the queue, or search for one (Ctrl+F).</source>
      <translation>Pilih tiket di antrean, atau cari tiket (Ctrl+F).</translation>
    </message>
    <message>
      <source>This ticket is no longer available</source>
      <translation>Tiket ini sudah tidak tersedia</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Pelanggan</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Priority</source>
      <translation>Prioritas</translation>
    </message>
    <message>
      <source>Tier</source>
      <translation>Tingkat</translation>
    </message>
    <message>
      <source>Policy</source>
      <translation>Kebijakan</translation>
    </message>
  </context>
  <context>
    <name>TicketTableModel</name>
    <message>
      <source>New</source>
      <extracomment>The ticket id of any cell's row. The countdown's live state (a ClockState, or None) of any cell's row. Which column shows each row field (for precise dataChanged).</extracomment>
      <translation>Baru</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Terbuka</translation>
    </message>
    <message>
      <source>Waiting on customer</source>
      <translation>Menunggu pelanggan</translation>
    </message>
    <message>
      <source>Waiting on third party</source>
      <translation>Menunggu pihak ketiga</translation>
    </message>
    <message>
      <source>On hold</source>
      <translation>Ditahan</translation>
    </message>
    <message>
      <source>Resolved</source>
      <translation>Selesai</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>Ditutup</translation>
    </message>
    <message>
      <source>Tier {level}</source>
      <extracomment>Emitted after `set_now`: the instant the countdowns now show.</extracomment>
      <translation>Tingkat {level}</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>Nomor</translation>
    </message>
    <message>
      <source>Subject</source>
      <translation>Subjek</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Pelanggan</translation>
    </message>
    <message>
      <source>Category</source>
      <translation>Kategori</translation>
    </message>
    <message>
      <source>Priority</source>
      <translation>Prioritas</translation>
    </message>
    <message>
      <source>Channel</source>
      <translation>Saluran</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Tier</source>
      <translation>Tingkat</translation>
    </message>
    <message>
      <source>Assignee</source>
      <translation>Petugas</translation>
    </message>
    <message>
      <source>Next SLA due</source>
      <translation>SLA berikutnya</translation>
    </message>
    <message>
      <source>Customer, with a badge for startup (S) and enterprise (E) customers</source>
      <translation>Pelanggan, dengan lencana untuk pelanggan startup (S) dan enterprise (E)</translation>
    </message>
    <message>
      <source>Time left on the ticket's most urgent SLA clock; negative when overdue</source>
      <translation>Sisa waktu jam SLA paling mendesak pada tiket; negatif bila terlambat</translation>
    </message>
    <message>
      <source>Unassigned</source>
      <translation>Belum ditugaskan</translation>
    </message>
    <message>
      <source>{number} ({policy}), created {created}</source>
      <translation>{number} ({policy}), dibuat {created}</translation>
    </message>
    <message>
      <source>{priority} (rank {rank}, 0 is the most urgent)</source>
      <translation>{priority} (peringkat {rank}, 0 paling mendesak)</translation>
    </message>
  </context>
</TS>