<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
<context>
    <name>AgentLoadChart</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="336"/>
        <source>Open tickets per agent</source>
        <translation>Tiket terbuka per agen</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="336"/>
        <source>Click a bar to open those tickets</source>
        <translation>Klik batang untuk membuka tiket-tiket tersebut</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="345"/>
        <source>Unassigned</source>
        <translation>Belum ditugaskan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="350"/>
        <source>Open tickets</source>
        <translation>Tiket terbuka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="374"/>
        <source>Open tickets: {name}</source>
        <translation>Tiket terbuka: {name}</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="153"/>
        <source>Assign ticket</source>
        <translation>Tugaskan tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="156"/>
        <source>Nobody (unassigned)</source>
        <translation>Tidak ada (belum ditugaskan)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="162"/>
        <source>&amp;Assign to:</source>
        <translation>&amp;Tugaskan ke:</translation>
    </message>
</context>
<context>
    <name>BacklogAgeingChart</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="55"/>
        <source>under 1 day</source>
        <extracomment>The server&apos;s age buckets (`reports.backlog.AGE_BUCKETS`) as (min days, max days or None). How the age buckets read on the axis (Qt Charts takes &quot;&lt;1d&quot; for a tag and drops it).</extracomment>
        <translation>0–1 hari</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="56"/>
        <source>1–3 days</source>
        <translation>1–3 hari</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="57"/>
        <source>3–7 days</source>
        <translation>3–7 hari</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="58"/>
        <source>1–2 weeks</source>
        <translation>1–2 minggu</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="59"/>
        <source>2–4 weeks</source>
        <translation>2–4 minggu</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="60"/>
        <source>30+ days</source>
        <translation>30+ hari</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="236"/>
        <source>Backlog ageing (open tickets by age)</source>
        <translation>Usia backlog (tiket terbuka menurut usia)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="237"/>
        <source>Click a bar to open those tickets</source>
        <translation>Klik batang untuk membuka tiket-tiket tersebut</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="281"/>
        <source>{status}, open {age}</source>
        <translation>{status}, terbuka {age}</translation>
    </message>
</context>
<context>
    <name>BusinessHoursIndicator</name>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="121"/>
        <source>Business hours: unknown</source>
        <translation>Jam operasional: tidak diketahui</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="122"/>
        <source>The policies are not loaded yet.</source>
        <translation>Kebijakan belum dimuat.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="128"/>
        <source>{symbol} Phone lines open: {open} of {total}</source>
        <translation>{symbol} Saluran telepon buka: {open} dari {total}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="132"/>
        <source>Support open: {open} of {total}</source>
        <translation>Layanan buka: {open} dari {total}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="140"/>
        <source>Phone</source>
        <translation>Telepon</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="142"/>
        <source>Support</source>
        <translation>Layanan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="144"/>
        <source>open now</source>
        <translation>buka sekarang</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="146"/>
        <source>closed, opens {when}</source>
        <translation>tutup, buka {when}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/business_hours.py" line="149"/>
        <source>closed</source>
        <translation>tutup</translation>
    </message>
</context>
<context>
    <name>CallTimerDisplay</name>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="79"/>
        <source>Call time {time}</source>
        <translation>Durasi panggilan {time}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="80"/>
        <source>&amp;Pause timer</source>
        <translation>&amp;Jeda pengatur waktu</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="80"/>
        <source>Resume &amp;timer</source>
        <translation>&amp;Lanjutkan pengatur waktu</translation>
    </message>
</context>
<context>
    <name>ChartCard</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="123"/>
        <source>No data for this period.</source>
        <translation>Tidak ada data untuk periode ini.</translation>
    </message>
</context>
<context>
    <name>ComplianceTrendChart</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="176"/>
        <source>SLA compliance trend</source>
        <translation>Tren kepatuhan SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="212"/>
        <source>All measures</source>
        <translation>Semua ukuran</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="82"/>
        <source>&amp;Reply to customer</source>
        <extracomment>(light, dark) editor background and badge colours in note mode: the note cards&apos; amber. (kind, text): the agent pressed Send. Whether the agent is typing a public reply (for presence).</extracomment>
        <translation>&amp;Balas pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="83"/>
        <source>Internal &amp;note</source>
        <translation>&amp;Catatan internal</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="92"/>
        <source>&amp;Canned response:</source>
        <translation>Te&amp;mplat balasan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="102"/>
        <source>Internal note — only staff see this, the customer does not</source>
        <translation>Catatan internal — hanya staf yang melihatnya, pelanggan tidak</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="162"/>
        <source>Add note</source>
        <translation>Tambah catatan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="163"/>
        <source>Only staff see internal notes. Ctrl+Enter adds it.</source>
        <translation>Hanya staf yang melihat catatan internal. Ctrl+Enter untuk menambahkannya.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="164"/>
        <source>Write an internal note for your colleagues…</source>
        <translation>Tulis catatan internal untuk rekan kerja Anda…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="166"/>
        <source>&amp;Send reply</source>
        <translation>&amp;Kirim balasan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="167"/>
        <source>The customer receives this reply. Ctrl+Enter sends it.</source>
        <translation>Pelanggan menerima balasan ini. Ctrl+Enter untuk mengirimnya.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="168"/>
        <source>Write your reply to the customer…</source>
        <translation>Tulis balasan Anda untuk pelanggan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="169"/>
        <source>Internal note</source>
        <translation>Catatan internal</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="169"/>
        <source>Reply to customer</source>
        <translation>Balas pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="201"/>
        <source>Insert a canned response…</source>
        <translation>Sisipkan templat balasan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="202"/>
        <source>No canned responses for this policy</source>
        <translation>Tidak ada templat balasan untuk kebijakan ini</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/composer.py" line="300"/>
        <source>Nothing to send: write something first.</source>
        <translation>Tidak ada yang dikirim: tulis sesuatu terlebih dahulu.</translation>
    </message>
</context>
<context>
    <name>DashboardFigures</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="35"/>
        <source>First response</source>
        <translation>Respons pertama</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="36"/>
        <source>Next response</source>
        <translation>Respons berikutnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="37"/>
        <source>Periodic update</source>
        <translation>Pembaruan berkala</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="38"/>
        <source>Resolution</source>
        <translation>Penyelesaian</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="39"/>
        <source>Tier {tier} budget</source>
        <translation>Anggaran Tingkat {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="40"/>
        <source>Tier budgets</source>
        <translation>Anggaran tingkat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="43"/>
        <source>New</source>
        <translation>Baru</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="44"/>
        <source>Open</source>
        <translation>Terbuka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="45"/>
        <source>Waiting on customer</source>
        <translation>Menunggu pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="46"/>
        <source>Waiting on third party</source>
        <translation>Menunggu pihak ketiga</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="47"/>
        <source>On hold</source>
        <translation>Ditahan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="53"/>
        <source>E-mail</source>
        <extracomment>The channels&apos; generic names (each policy names its own: &quot;Telepon (Call Center)&quot;).</extracomment>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="54"/>
        <source>Phone</source>
        <translation>Telepon</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="55"/>
        <source>Chat</source>
        <translation>Obrolan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="56"/>
        <source>Web form</source>
        <translation>Formulir web</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="57"/>
        <source>Portal</source>
        <translation>Portal</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="58"/>
        <source>Twitter</source>
        <translation>Twitter</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="108"/>
        <source>{n} s</source>
        <translation>{n} dtk</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="111"/>
        <source>{n} min</source>
        <translation>{n} mnt</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="114"/>
        <source>{h} h {m:02d} min</source>
        <translation>{h} j {m:02d} mnt</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/figures.py" line="116"/>
        <source>{d} d {h} h</source>
        <translation>{d} hr {h} j</translation>
    </message>
</context>
<context>
    <name>DashboardPdf</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/pdf_export.py" line="35"/>
        <location filename="../../desk_app/ui/dashboard/pdf_export.py" line="64"/>
        <source>SLA dashboard</source>
        <translation>Dasbor SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/pdf_export.py" line="122"/>
        <source> (continued)</source>
        <translation> (lanjutan)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/pdf_export.py" line="134"/>
        <source>No rows for this period.</source>
        <translation>Tidak ada baris untuk periode ini.</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="304"/>
        <source>{policy}: the holiday list of “{calendar}” ran out on {date}; holidays after it count as open time. Add the next year&apos;s holidays.</source>
        <translation>{policy}: daftar hari libur “{calendar}” berakhir pada {date}; hari libur setelahnya dihitung sebagai jam buka. Tambahkan hari libur tahun berikutnya.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="307"/>
        <source>{policy}: the holiday list of “{calendar}” runs out on {date} (in {days} days); holidays after it would count as open time. Add the next year&apos;s holidays.</source>
        <translation>{policy}: daftar hari libur “{calendar}” berakhir pada {date} ({days} hari lagi); hari libur setelahnya akan dihitung sebagai jam buka. Tambahkan hari libur tahun berikutnya.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="119"/>
        <source>Dashboard</source>
        <extracomment>Live changes refresh the figures at most this often (milliseconds). Compliance at or above this is shown green; below WARN_BELOW red. A ticket filter to show as a queue: {&quot;statuses&quot;, &quot;queue_id&quot;, &quot;policy&quot;, &quot;assignee_id&quot;, ...}. A ticket to open (from &quot;Most overdue&quot;). Every report of a refresh has arrived (or failed). A short message for the status bar.</extracomment>
        <translation>Dasbor</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="138"/>
        <source>The dashboard is for managers. Your role ({role}) does not include SLA reports.</source>
        <translation>Dasbor ini untuk manajer. Peran Anda ({role}) tidak mencakup laporan SLA.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="149"/>
        <source>SLA dashboard</source>
        <translation>Dasbor SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="163"/>
        <source>Last {n} days</source>
        <translation>{n} hari terakhir</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="167"/>
        <source>Daily</source>
        <translation>Harian</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="168"/>
        <source>Weekly</source>
        <translation>Mingguan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="171"/>
        <source>All queues</source>
        <translation>Semua antrean</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="175"/>
        <source>All policies</source>
        <translation>Semua kebijakan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="179"/>
        <source>Refresh</source>
        <translation>Muat ulang</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="182"/>
        <source>Export PDF…</source>
        <translation>Ekspor PDF…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="190"/>
        <source>Period</source>
        <translation>Periode</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="190"/>
        <source>Trend</source>
        <translation>Tren</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="191"/>
        <source>Queue</source>
        <translation>Antrean</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="191"/>
        <source>Policy</source>
        <translation>Kebijakan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="215"/>
        <source>SLA compliance</source>
        <translation>Kepatuhan SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="216"/>
        <source>Open breaches</source>
        <translation>Pelanggaran terbuka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="217"/>
        <location filename="../../desk_app/ui/dashboard/view.py" line="233"/>
        <source>Escalations waiting</source>
        <translation>Eskalasi menunggu</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="218"/>
        <location filename="../../desk_app/ui/dashboard/view.py" line="235"/>
        <source>Backlog</source>
        <translation>Backlog</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="219"/>
        <source>Customer satisfaction</source>
        <translation>Kepuasan pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="229"/>
        <source>At risk of breach</source>
        <translation>Berisiko melanggar SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="231"/>
        <source>Breached</source>
        <translation>Dilanggar</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="258"/>
        <source>Exported {n} rows to {path}</source>
        <translation>{n} baris diekspor ke {path}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="426"/>
        <source>Some figures could not be refreshed ({error}); the others are current.</source>
        <translation>Sebagian angka tidak dapat dimuat ulang ({error}); angka lainnya sudah terbaru.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="455"/>
        <source>Unassigned</source>
        <translation>Belum ditugaskan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="458"/>
        <source>Tier {n}</source>
        <translation>Tingkat {n}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="471"/>
        <source>{met} of {total} SLA targets met</source>
        <translation>{met} dari {total} target SLA terpenuhi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="474"/>
        <source>{n} near breach</source>
        <translation>{n} hampir melanggar</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="479"/>
        <source>unacknowledged · budget run out: {n}</source>
        <translation>belum ditanggapi · anggaran habis: {n}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="484"/>
        <source>open tickets · {n} older than 3 days</source>
        <translation>tiket terbuka · {n} lebih dari 3 hari</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="487"/>
        <source>no survey answers in the period</source>
        <translation>tidak ada jawaban survei dalam periode ini</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="488"/>
        <source>{pct} satisfied · {n} answers</source>
        <translation>{pct} puas · {n} jawaban</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="501"/>
        <source>{start} – {end} (UTC) · figures as of {now}</source>
        <translation>{start} – {end} (UTC) · angka per {now}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="513"/>
        <source>The server refused the reports: {error}
The dashboard is for managers.</source>
        <translation>Server menolak laporan: {error}
Dasbor ini untuk manajer.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="525"/>
        <source>Export dashboard as PDF</source>
        <translation>Ekspor dasbor sebagai PDF</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="526"/>
        <source>PDF files (*.pdf)</source>
        <translation>Berkas PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/view.py" line="531"/>
        <source>Dashboard exported to {path}</source>
        <translation>Dasbor diekspor ke {path}</translation>
    </message>
</context>
<context>
    <name>DeskController</name>
    <message>
        <location filename="../../desk_app/ui/app.py" line="110"/>
        <source>Starting the demo store…</source>
        <extracomment>The window&apos;s size in a screenshot unless --size says otherwise.</extracomment>
        <translation>Menjalankan server demo…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/app.py" line="144"/>
        <source>Logging in as the demo {role}…</source>
        <translation>Masuk sebagai {role} demo…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/app.py" line="177"/>
        <source>Switching to the demo {role}…</source>
        <translation>Beralih ke {role} demo…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/app.py" line="222"/>
        <location filename="../../desk_app/ui/app.py" line="272"/>
        <source>Desk</source>
        <translation>Desk</translation>
    </message>
</context>
<context>
    <name>EntryCard</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="137"/>
        <source>Sending…</source>
        <extracomment>The agent asked to correct this entry (their own).</extracomment>
        <translation>Mengirim…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="138"/>
        <source>Saved on this computer; it is sent when the server is reachable.</source>
        <translation>Disimpan di komputer ini; akan dikirim saat server dapat dihubungi.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="141"/>
        <source>Correct…</source>
        <translation>Koreksi…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="144"/>
        <source>Add a correction of this entry (the entry itself stays)</source>
        <translation>Tambahkan koreksi untuk entri ini (entrinya sendiri tetap ada)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="145"/>
        <source>Correct entry {n}</source>
        <translation>Koreksi entri {n}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="150"/>
        <source>Corrected in entry {numbers}</source>
        <translation>Dikoreksi di entri {numbers}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="179"/>
        <source>Download and open {name}</source>
        <translation>Unduh dan buka {name}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="203"/>
        <source>customer message</source>
        <translation>pesan pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="204"/>
        <source>reply</source>
        <translation>balasan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="205"/>
        <source>internal note</source>
        <translation>catatan internal</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="206"/>
        <source>phone call</source>
        <translation>panggilan telepon</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="207"/>
        <source>entry</source>
        <translation>entri</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="213"/>
        <source>The customer</source>
        <translation>Pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="215"/>
        <source>{customer} wrote (logged by {author})</source>
        <translation>{customer} menulis (dicatat oleh {author})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="216"/>
        <source>{customer} wrote</source>
        <translation>{customer} menulis</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="218"/>
        <source>{author} replied</source>
        <translation>{author} membalas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="222"/>
        <source>Correction of entry {n} by {author}</source>
        <translation>Koreksi entri {n} oleh {author}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="223"/>
        <source>Correction of an earlier entry by {author}</source>
        <translation>Koreksi entri sebelumnya oleh {author}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="224"/>
        <source>Internal note by {author}</source>
        <translation>Catatan internal dari {author}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="226"/>
        <source>Phone call logged by {author}</source>
        <translation>Panggilan telepon dicatat oleh {author}</translation>
    </message>
</context>
<context>
    <name>EscalationPromptDialog</name>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="288"/>
        <source>Reason or note</source>
        <extracomment>This installation&apos;s id in the store&apos;s &quot;who popped it up first&quot; claims (one per cache). An item to announce for the first time (once per escalation and user, across restarts). The whole list, after any change (most recent last). Keys whose claim at the store is on its way (not shown yet, not to be claimed twice).</extracomment>
        <translation>Alasan atau catatan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="297"/>
        <source>Escalation due</source>
        <translation>Saatnya eskalasi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="298"/>
        <source>{ticket} needs a decision</source>
        <translation>{ticket} perlu keputusan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="300"/>
        <source>The customer asked for an escalation to {tier}.</source>
        <translation>Pelanggan meminta eskalasi ke {tier}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="303"/>
        <source>Your tier&apos;s time budget for this ticket is used up. Escalate it to {tier}, or keep it with a note saying why.</source>
        <translation>Anggaran waktu tingkat Anda untuk tiket ini sudah habis. Eskalasikan ke {tier}, atau tetap tangani dengan catatan yang menjelaskan alasannya.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="305"/>
        <source>Reason for escalating, or the note for keeping (required)</source>
        <translation>Alasan eskalasi, atau catatan untuk tetap menangani (wajib)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="307"/>
        <source>&amp;Escalate to {tier}</source>
        <translation>&amp;Eskalasi ke {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="311"/>
        <source>Add note and &amp;keep</source>
        <translation>Tambah catatan dan &amp;tetap tangani</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="315"/>
        <source>New escalation</source>
        <translation>Eskalasi baru</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="316"/>
        <source>{ticket} was escalated to {tier}</source>
        <translation>{ticket} dieskalasi ke {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="317"/>
        <source>Reason: {reason}</source>
        <translation>Alasan: {reason}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="319"/>
        <source>&amp;Take ticket</source>
        <translation>&amp;Ambil tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="322"/>
        <source>&amp;Open ticket</source>
        <translation>&amp;Buka tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="324"/>
        <source>&amp;Later</source>
        <translation>&amp;Nanti</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="325"/>
        <source>It stays in “Needs attention” until handled.</source>
        <translation>Tiket tetap ada di “Perlu perhatian” sampai ditangani.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="344"/>
        <source>Escalate (Alt+E) or keep the ticket with your note (Alt+K)?</source>
        <translation>Eskalasi (Alt+E) atau tetap tangani tiket dengan catatan Anda (Alt+T)?</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="362"/>
        <source>Write the reason (or the note) first.</source>
        <translation>Tulis alasan (atau catatannya) terlebih dahulu.</translation>
    </message>
</context>
<context>
    <name>EventText</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="38"/>
        <source>first response</source>
        <translation>respons pertama</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="39"/>
        <source>the customer wrote</source>
        <translation>pelanggan menulis</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="40"/>
        <source>the customer asked to escalate</source>
        <translation>pelanggan meminta eskalasi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="41"/>
        <source>the window for documents closed</source>
        <translation>batas waktu dokumen berakhir</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="42"/>
        <source>the third party did not answer in time</source>
        <translation>pihak ketiga tidak menjawab tepat waktu</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="49"/>
        <source>Reopened: {change}</source>
        <translation>Dibuka kembali: {change}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="51"/>
        <source>Status: {change}</source>
        <translation>Status: {change}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="65"/>
        <source>{clock} breached (was due {due})</source>
        <translation>{clock} terlewati (jatuh tempo {due})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="67"/>
        <source>{clock} at risk (due {due})</source>
        <translation>{clock} hampir terlewati (jatuh tempo {due})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="68"/>
        <source>SLA: {clocks}</source>
        <translation>SLA: {clocks}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="73"/>
        <source>by hand</source>
        <translation>secara manual</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="74"/>
        <source>automatically</source>
        <translation>secara otomatis</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="75"/>
        <source>at the customer&apos;s request</source>
        <translation>atas permintaan pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="80"/>
        <source>Escalated from tier {old} to tier {new}, {how}</source>
        <translation>Dieskalasi dari tingkat {old} ke tingkat {new}, {how}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="82"/>
        <source>De-escalated from tier {old} to tier {new}, {how}</source>
        <translation>Diturunkan dari tingkat {old} ke tingkat {new}, {how}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="89"/>
        <source>taken by {name}</source>
        <translation>diambil oleh {name}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="108"/>
        <source>Assigned to {name}</source>
        <translation>Ditugaskan kepada {name}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="110"/>
        <source>No longer assigned to anyone</source>
        <translation>Tidak lagi ditugaskan kepada siapa pun</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="114"/>
        <source>The time budget of tier {tier} ran out: escalate to tier {to}.</source>
        <translation>Anggaran waktu tingkat {tier} habis: eskalasikan ke tingkat {to}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="117"/>
        <source>If nobody acts, it moves up by itself at {time}.</source>
        <translation>Jika tidak ada tindakan, tiket naik sendiri pada {time}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="125"/>
        <source>Escalation to tier {tier} acknowledged</source>
        <translation>Eskalasi ke tingkat {tier} dikonfirmasi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="129"/>
        <source>The customer asked to escalate: {note}</source>
        <translation>Pelanggan meminta eskalasi: {note}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/event_text.py" line="131"/>
        <source>Customer satisfaction: {score}/5</source>
        <translation>Kepuasan pelanggan: {score}/5</translation>
    </message>
</context>
<context>
    <name>FilterChip</name>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="54"/>
        <source>SLA breached</source>
        <extracomment>Notices kept on screen at once (the oldest go first).</extracomment>
        <translation>SLA terlampaui</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="56"/>
        <source>due within 2 hours</source>
        <translation>jatuh tempo dalam 2 jam</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="58"/>
        <source>escalation not acknowledged</source>
        <translation>eskalasi belum diterima</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="60"/>
        <source>Tier {n}</source>
        <translation>Tingkat {n}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="62"/>
        <source>unassigned</source>
        <translation>belum ditugaskan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="64"/>
        <source>assigned to {name}</source>
        <translation>ditugaskan ke {name}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="72"/>
        <source>{tier} customers</source>
        <translation>pelanggan {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="77"/>
        <source>open more than {n} days</source>
        <translation>terbuka lebih dari {n} hari</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="79"/>
        <source>open {low}–{high} days</source>
        <translation>terbuka {low}–{high} hari</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="85"/>
        <source>queue {name}</source>
        <translation>antrean {name}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="90"/>
        <source>open tickets</source>
        <translation>tiket terbuka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="116"/>
        <source>✕ Clear filter</source>
        <translation>✕ Hapus filter</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="120"/>
        <source>Clear filter</source>
        <translation>Hapus filter</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="121"/>
        <source>Show the queue you had open before</source>
        <translation>Tampilkan antrean yang Anda buka sebelumnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="130"/>
        <source>Filtered: {parts}</source>
        <translation>Difilter: {parts}</translation>
    </message>
</context>
<context>
    <name>FlowChart</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="289"/>
        <source>Arrivals vs resolutions</source>
        <translation>Tiket masuk vs terselesaikan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="307"/>
        <source>Arrivals</source>
        <translation>Tiket masuk</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/charts.py" line="308"/>
        <source>Resolved or closed</source>
        <translation>Selesai atau ditutup</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <location filename="../../desk_app/ui/language_menu.py" line="26"/>
        <source>&amp;Language</source>
        <extracomment>The saved choice changed: a sentence for the status bar.</extracomment>
        <translation>&amp;Bahasa</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/language_menu.py" line="32"/>
        <source>System language</source>
        <translation>Bahasa sistem</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/language_menu.py" line="49"/>
        <source>Desk starts in {language} from the next start.</source>
        <translation>Desk memakai {language} mulai dari pembukaan berikutnya.</translation>
    </message>
</context>
<context>
    <name>LogCallDialog</name>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="92"/>
        <source>Log call</source>
        <translation>Catat panggilan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="102"/>
        <source>Inbound (the customer called)</source>
        <translation>Masuk (pelanggan menelepon)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="103"/>
        <source>Outbound (we called)</source>
        <translation>Keluar (kita menelepon)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="106"/>
        <source>What was said, what was agreed</source>
        <translation>Apa yang dibicarakan, apa yang disepakati</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="107"/>
        <source>&amp;Number:</source>
        <translation>&amp;Nomor:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="107"/>
        <source>&amp;Direction:</source>
        <translation>&amp;Arah:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="108"/>
        <source>N&amp;otes:</source>
        <translation>&amp;Catatan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="120"/>
        <source>&amp;Log call</source>
        <translation>Ca&amp;tat panggilan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="147"/>
        <source>Write what was said first: an empty call log is not saved.</source>
        <translation>Tulis dulu apa yang dibicarakan: catatan panggilan yang kosong tidak disimpan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/log_call_dialog.py" line="152"/>
        <source>Enter the number of the call.</source>
        <translation>Masukkan nomor panggilan.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="46"/>
        <source>The user name or password is wrong. Check them and try again.</source>
        <translation>Nama pengguna atau kata sandi salah. Periksa lalu coba lagi.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="48"/>
        <source>The server&apos;s certificate is not trusted, so the connection was not made. Check the server address, or ask your administrator for the certificate. ({detail})</source>
        <translation>Sertifikat server tidak tepercaya, sehingga koneksi tidak dibuat. Periksa alamat server, atau minta sertifikatnya kepada administrator Anda. ({detail})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="52"/>
        <source>Cannot reach the server at {url}. Check the address and your network connection. ({detail})</source>
        <translation>Server di {url} tidak dapat dihubungi. Periksa alamat dan koneksi jaringan Anda. ({detail})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="56"/>
        <source>Too many failed attempts. Wait {seconds} seconds, then try again.</source>
        <translation>Terlalu banyak percobaan gagal. Tunggu {seconds} detik, lalu coba lagi.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="60"/>
        <source>The server refused the login: {detail}</source>
        <translation>Server menolak login: {detail}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="61"/>
        <source>Logging in failed unexpectedly: {detail}</source>
        <translation>Login gagal secara tak terduga: {detail}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="73"/>
        <location filename="../../desk_app/ui/login_dialog.py" line="82"/>
        <source>Log in to Desk</source>
        <extracomment>The login worked: the new (not yet started) session. A login attempt failed: the message shown.</extracomment>
        <translation>Masuk ke Desk</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="84"/>
        <source>Enter the address of your support server and your account.</source>
        <translation>Masukkan alamat server dukungan dan akun Anda.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="91"/>
        <source>Remember me on this computer</source>
        <translation>Ingat saya di komputer ini</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="95"/>
        <source>No secure keychain is available on this computer.</source>
        <translation>Tidak ada keychain aman di komputer ini.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="98"/>
        <source>Keeps your password in the system keychain</source>
        <translation>Menyimpan kata sandi Anda di keychain sistem</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="108"/>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="109"/>
        <source>&amp;User name:</source>
        <translation>&amp;Nama pengguna:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="110"/>
        <source>&amp;Password:</source>
        <translation>&amp;Kata sandi:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="113"/>
        <source>&amp;Log in</source>
        <translation>&amp;Masuk</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="145"/>
        <source>Enter the server, your user name and your password.</source>
        <translation>Masukkan server, nama pengguna, dan kata sandi Anda.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/login_dialog.py" line="151"/>
        <source>Logging in…</source>
        <translation>Sedang masuk…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="103"/>
        <source>Desk — {name} ({role})</source>
        <extracomment>The size a first start opens at where the screen has room for it (else maximised). What a window manager&apos;s frame may add around the window (title bar, borders). The open ticket&apos;s least height before the queue gives up rows (header, conversation, composer). The first sync filled the window (queue rows and counts read after it). Demo: the agent asked to look through another demo user&apos;s eyes. File &gt; Log out. The window closed (the caller stops the session off the UI thread).</extracomment>
        <translation>Desk — {name} ({role})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="121"/>
        <source>Agent</source>
        <translation>Agen</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="121"/>
        <source>Specialist</source>
        <translation>Spesialis</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="122"/>
        <source>Manager</source>
        <translation>Manajer</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="122"/>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="180"/>
        <source>Workspace</source>
        <translation>Ruang kerja</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="185"/>
        <source>Dashboard</source>
        <translation>Dasbor</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="189"/>
        <source>Pages</source>
        <translation>Halaman</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="205"/>
        <source>{name} · {role}</source>
        <translation>{name} · {role}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="229"/>
        <source>&amp;Search tickets</source>
        <translation>&amp;Cari tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="231"/>
        <source>&amp;Next ticket</source>
        <translation>Tiket &amp;berikutnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="233"/>
        <source>&amp;Previous ticket</source>
        <translation>Tiket se&amp;belumnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="234"/>
        <source>&amp;Reply to customer</source>
        <translation>&amp;Balas pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="236"/>
        <source>Internal &amp;note</source>
        <translation>&amp;Catatan internal</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="238"/>
        <source>&amp;Escalate…</source>
        <translation>&amp;Eskalasi…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="240"/>
        <source>New ticket from &amp;call…</source>
        <translation>Tiket baru dari &amp;panggilan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="242"/>
        <source>&amp;Log call…</source>
        <translation>Catat &amp;panggilan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="243"/>
        <source>Go to queues</source>
        <translation>Ke daftar antrean</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="244"/>
        <source>Go to tickets</source>
        <translation>Ke daftar tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="245"/>
        <source>Go to ticket</source>
        <translation>Ke tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="246"/>
        <source>Sync &amp;now</source>
        <translation>Sinkronkan &amp;sekarang</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="248"/>
        <source>Log &amp;out</source>
        <translation>&amp;Keluar akun</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="249"/>
        <source>&amp;Quit</source>
        <translation>&amp;Tutup</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="250"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Pintasan keyboard</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="254"/>
        <source>&amp;File</source>
        <translation>&amp;Berkas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="259"/>
        <source>&amp;Ticket</source>
        <translation>&amp;Tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="263"/>
        <source>&amp;View</source>
        <translation>&amp;Tampilan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="266"/>
        <source>&amp;Columns</source>
        <translation>&amp;Kolom</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="279"/>
        <source>&amp;Demo</source>
        <translation>&amp;Demo</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="280"/>
        <source>&amp;Switch role</source>
        <translation>&amp;Ganti peran</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="281"/>
        <source>Agent (Tier 1)</source>
        <translation>Agen (Tingkat 1)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="281"/>
        <source>Specialist (Tier 2)</source>
        <translation>Spesialis (Tingkat 2)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="282"/>
        <source>Manager (Tier 3, dashboard)</source>
        <translation>Manajer (Tingkat 3, dasbor)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="289"/>
        <source>&amp;Help</source>
        <translation>Ban&amp;tuan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="293"/>
        <source>Main toolbar</source>
        <translation>Bilah alat utama</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="357"/>
        <source>Filtered tickets</source>
        <translation>Tiket terfilter</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="406"/>
        <source>Select a ticket to log a call on it.</source>
        <translation>Pilih tiket untuk mencatat panggilan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="416"/>
        <source>Keyboard shortcuts</source>
        <translation>Pintasan keyboard</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="447"/>
        <source>Log in again</source>
        <translation>Masuk lagi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="448"/>
        <source>Your session on {server} has ended. Enter the password for {user} to go on; your work so far is kept.</source>
        <translation>Sesi Anda di {server} telah berakhir. Masukkan kata sandi untuk {user} untuk melanjutkan; pekerjaan Anda tetap tersimpan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="462"/>
        <source>Logged in again.</source>
        <translation>Berhasil masuk lagi.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="502"/>
        <source>a new ticket</source>
        <translation>tiket baru</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="503"/>
        <source>The server refused a change to {ticket}: {message}</source>
        <translation>Server menolak perubahan pada {ticket}: {message}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/main_window.py" line="506"/>
        <source>Your text was kept as a draft.</source>
        <translation>Teks Anda disimpan sebagai draf.</translation>
    </message>
</context>
<context>
    <name>NeedsAttention</name>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="422"/>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="427"/>
        <source>Needs attention</source>
        <extracomment>(title, text) of a desktop notification, when one is given (tests and the status bar listen). New items arriving within this time are announced together (the claims come back one by one). Every announcement made, (title, text), oldest first.</extracomment>
        <translation>Perlu perhatian</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="438"/>
        <source>Escalations waiting for you: open the list</source>
        <translation>Eskalasi yang menunggu Anda: buka daftarnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="457"/>
        <source>{number}: escalation due to {tier}</source>
        <translation>{number}: saatnya eskalasi ke {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="461"/>
        <source>{number}: escalated to {tier}</source>
        <translation>{number}: dieskalasi ke {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="468"/>
        <source>Needs &amp;attention ({count})</source>
        <translation>Perlu per&amp;hatian ({count})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="478"/>
        <source>Needs attention ({count})</source>
        <translation>Perlu perhatian ({count})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="506"/>
        <source>Escalation due: {number}</source>
        <translation>Saatnya eskalasi: {number}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="508"/>
        <source>Escalated to {tier}: {number}</source>
        <translation>Dieskalasi ke {tier}: {number}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="512"/>
        <source>{count} escalations need your attention</source>
        <translation>{count} eskalasi perlu perhatian Anda</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="514"/>
        <source>{numbers} and {more} more</source>
        <translation>{numbers} dan {more} lainnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/escalation_prompt.py" line="516"/>
        <source>They are listed under “Needs attention”.</source>
        <translation>Semuanya tercantum di “Perlu perhatian”.</translation>
    </message>
</context>
<context>
    <name>NewTicketFromCallDialog</name>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="111"/>
        <source>New ticket from call</source>
        <extracomment>The new ticket&apos;s id (a negative placeholder until the server has it).</extracomment>
        <translation>Tiket baru dari panggilan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="121"/>
        <source>Caller&apos;s number</source>
        <translation>Nomor penelepon</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="123"/>
        <source>Phone, e-mail or order id</source>
        <translation>Telepon, e-mail, atau ID pesanan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="128"/>
        <source>Matching customers</source>
        <translation>Pelanggan yang cocok</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="137"/>
        <source>For a new customer</source>
        <translation>Untuk pelanggan baru</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="146"/>
        <source>What the caller needs</source>
        <translation>Apa yang dibutuhkan penelepon</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="148"/>
        <source>Caller &amp;number:</source>
        <translation>&amp;Nomor penelepon:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="148"/>
        <source>&amp;Find customer:</source>
        <translation>&amp;Cari pelanggan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="149"/>
        <source>&amp;Matches:</source>
        <translation>&amp;Hasil yang cocok:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="149"/>
        <source>Customer n&amp;ame:</source>
        <translation>N&amp;ama pelanggan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="150"/>
        <source>&amp;E-mail:</source>
        <translation>&amp;E-mail:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="150"/>
        <source>&amp;Policy:</source>
        <translation>&amp;Kebijakan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="151"/>
        <source>&amp;Category:</source>
        <translation>Kate&amp;gori:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="151"/>
        <source>P&amp;riority:</source>
        <translation>P&amp;rioritas:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="152"/>
        <source>&amp;Order id:</source>
        <translation>&amp;ID pesanan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="152"/>
        <source>&amp;Subject:</source>
        <translation>&amp;Subjek:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="153"/>
        <source>No&amp;tes:</source>
        <translation>Ca&amp;tatan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="166"/>
        <source>Create &amp;ticket</source>
        <translation>&amp;Buat tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="208"/>
        <source>No policy served by this desk has a phone line.</source>
        <translation>Tidak ada kebijakan yang dilayani desk ini yang memiliki saluran telepon.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="274"/>
        <source>Searching the server as well…</source>
        <translation>Mencari juga di server…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="289"/>
        <source>Offline: only the customers on this computer are searched.</source>
        <translation>Luring: hanya pelanggan di komputer ini yang dicari.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="315"/>
        <source>No customer found: a new one is created.</source>
        <translation>Pelanggan tidak ditemukan: pelanggan baru akan dibuat.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="329"/>
        <source>contact hidden</source>
        <translation>kontak disembunyikan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="333"/>
        <source>(found on the server)</source>
        <translation>(ditemukan di server)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="363"/>
        <source>Phone call from {number}</source>
        <translation>Panggilan telepon dari {number}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="363"/>
        <source>unknown number</source>
        <translation>nomor tidak dikenal</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="382"/>
        <source>Enter the caller&apos;s name, or pick a matching customer.</source>
        <translation>Masukkan nama penelepon, atau pilih pelanggan yang cocok.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="390"/>
        <source>Choose the policy, category and priority.</source>
        <translation>Pilih kebijakan, kategori, dan prioritas.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/phone/new_ticket_dialog.py" line="392"/>
        <source>Enter the caller&apos;s number.</source>
        <translation>Masukkan nomor penelepon.</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="157"/>
        <source>{number} came back to you from Tier {tier}</source>
        <translation>{number} kembali kepada Anda dari Tingkat {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="160"/>
        <source>{number} came back to you</source>
        <translation>{number} kembali kepada Anda</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="162"/>
        <source>(sent back by {name})</source>
        <translation>(dikembalikan oleh {name})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="173"/>
        <source>Open</source>
        <translation>Buka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="174"/>
        <source>Open {number}</source>
        <translation>Buka {number}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="175"/>
        <source>Dismiss</source>
        <translation>Tutup</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_pane.py" line="176"/>
        <source>Dismiss the notice about {number}</source>
        <translation>Tutup pemberitahuan tentang {number}</translation>
    </message>
</context>
<context>
    <name>OfflineBanner</name>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="118"/>
        <source>Try now</source>
        <extracomment>&quot;Try now&quot;: cut the wait before the next attempt short.</extracomment>
        <translation>Coba sekarang</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="119"/>
        <source>Try to reach the server now</source>
        <translation>Coba hubungi server sekarang</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="126"/>
        <source>You are offline since {time}: the server is not answering.</source>
        <translation>Anda luring sejak {time}: server tidak menjawab.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="129"/>
        <source>You are offline: the server is not answering.</source>
        <translation>Anda luring: server tidak menjawab.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="130"/>
        <source>Your work is kept on this computer and sent as soon as the server answers again.</source>
        <translation>Pekerjaan Anda disimpan di komputer ini dan dikirim segera setelah server menjawab lagi.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desk_app/ui/status_bar.py" line="132"/>
        <source>%n change(s) waiting to be sent.</source>
        <translation>
            <numerusform>%n perubahan menunggu dikirim.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Ops</name>
    <message>
        <location filename="../../desk_app/ui/ops.py" line="466"/>
        <source>Something went wrong</source>
        <extracomment>After an op&apos;s callbacks ran (or were skipped): the Op.</extracomment>
        <translation>Terjadi kesalahan</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../../desk_app/ui/queue/queue_view.py" line="99"/>
        <source>Tickets in the queue</source>
        <extracomment>Changes that arrive while an update of changed rows runs (a burst) are gathered for this long after it. A change while none runs does not wait: a colleague&apos;s change shows at once (a trailing 200 ms timer would spend a third of the 500 ms a change may take to show). The highest escalation tier a ticket can be at (a queue&apos;s tier is 1-9; the policies use 1-3). The current ticket changed: its id, or None. A full load of the current queue was shown: the number of rows. Changed rows were applied (tests wait on it). The ticket the agent chose (or was shown from elsewhere): what the panel shows. &gt; 0 while rows change under the view: a move of the current row then is not the agent&apos;s. The display row the shown ticket left from (it left the queue): the keys go on from there.</extracomment>
        <translation>Tiket dalam antrean</translation>
    </message>
</context>
<context>
    <name>Queues</name>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="50"/>
        <source>My open tickets</source>
        <extracomment>&quot;Breaching soon&quot;: a counting clock due within this many seconds (or already overdue). Above this many rows a queue is built from the queue columns alone: the clock&apos;s warning time (in the ticket JSON) is left out, and the row turns &quot;warning&quot; when the server says so rather than on its own.</extracomment>
        <translation>Tiket terbuka saya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="51"/>
        <source>Unassigned</source>
        <translation>Belum ditugaskan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="52"/>
        <source>Breaching soon</source>
        <translation>Segera melanggar SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="53"/>
        <source>Waiting on customer</source>
        <translation>Menunggu pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="54"/>
        <source>Following (escalated by me)</source>
        <translation>Diikuti (saya eskalasikan)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="55"/>
        <source>Escalated to me (Tier {tier})</source>
        <translation>Dieskalasi ke saya (Tingkat {tier})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="56"/>
        <source>Tier {tier}</source>
        <translation>Tingkat {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queues.py" line="57"/>
        <source>All tickets</source>
        <translation>Semua tiket</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="63"/>
        <source>&amp;To:</source>
        <translation>&amp;Ke:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="72"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Alasan:</translation>
    </message>
</context>
<context>
    <name>ReportTableModel</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="78"/>
        <source>(none)</source>
        <extracomment>True for a pinned row (a total of its own, kept last: the unassigned tickets). Computes the raw value from the row when it is not simply `row[key]`. Arguments of the translated title (&quot;Median first response ({channel})&quot;): translated when shown.</extracomment>
        <translation>(tidak ada)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="120"/>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="140"/>
        <source>Group</source>
        <translation>Grup</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="121"/>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="141"/>
        <source>Measure</source>
        <translation>Ukuran</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="122"/>
        <source>Met</source>
        <translation>Terpenuhi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="123"/>
        <source>Missed</source>
        <translation>Terlewat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="124"/>
        <source>Overdue (open)</source>
        <translation>Terlambat (terbuka)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="125"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="126"/>
        <source>% met</source>
        <translation>% terpenuhi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="129"/>
        <source>Agent</source>
        <translation>Agen</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="130"/>
        <source>Open tickets</source>
        <translation>Tiket terbuka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="131"/>
        <source>Replies</source>
        <translation>Balasan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="132"/>
        <source>Calls</source>
        <translation>Panggilan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="133"/>
        <source>First responses</source>
        <translation>Respons pertama</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="84"/>
        <source>Unassigned tickets (no agent)</source>
        <translation>Tiket belum ditugaskan (tanpa agen)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="105"/>
        <source>First response
{channel} (median)</source>
        <extracomment>The order the channels&apos; columns come in (others after them, by name): written ones first.</extracomment>
        <translation>Respons pertama
{channel} (median)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="135"/>
        <source>CSAT answers</source>
        <translation>Jawaban CSAT</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="136"/>
        <source>CSAT (1-5)</source>
        <translation>CSAT (1-5)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="137"/>
        <source>% satisfied</source>
        <translation>% puas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="142"/>
        <source>Count</source>
        <translation>Jumlah</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="143"/>
        <source>Mean</source>
        <translation>Rata-rata</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="144"/>
        <source>Median</source>
        <translation>Median</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="145"/>
        <source>90th percentile</source>
        <translation>Persentil ke-90</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="148"/>
        <source>Tier</source>
        <translation>Tingkat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="149"/>
        <source>Escalated into</source>
        <translation>Dieskalasi ke sini</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="150"/>
        <source>Budget expired</source>
        <translation>Anggaran habis</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="151"/>
        <source>Manual</source>
        <translation>Manual</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="152"/>
        <source>Customer request</source>
        <translation>Permintaan pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="153"/>
        <source>Waiting now</source>
        <translation>Menunggu sekarang</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="154"/>
        <source>Median time at tier</source>
        <translation>Median waktu di tingkat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="155"/>
        <source>90th pct. time at tier</source>
        <translation>Persentil ke-90 waktu di tingkat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="158"/>
        <source>Ticket</source>
        <translation>Tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="159"/>
        <source>Subject</source>
        <translation>Subjek</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="160"/>
        <source>Clock</source>
        <translation>Jam SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="161"/>
        <source>Policy</source>
        <translation>Kebijakan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="162"/>
        <source>Overdue (hours)</source>
        <translation>Terlambat (jam)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/table_model.py" line="256"/>
        <source>Double-click to open these tickets</source>
        <translation>Klik dua kali untuk membuka tiket-tiket ini</translation>
    </message>
</context>
<context>
    <name>ReportTables</name>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="42"/>
        <source>Queue</source>
        <translation>Antrean</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="43"/>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="44"/>
        <source>Priority</source>
        <translation>Prioritas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="45"/>
        <source>Channel</source>
        <translation>Saluran</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="46"/>
        <source>Customer tier</source>
        <translation>Tingkat pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="47"/>
        <source>Policy</source>
        <translation>Kebijakan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="48"/>
        <source>Agent</source>
        <translation>Agen</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="81"/>
        <source>SLA compliance</source>
        <extracomment>The grouping of the compliance and times tables changed (a dimension name). A CSV file was written: (path, rows).</extracomment>
        <translation>Kepatuhan SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="82"/>
        <source>Response times</source>
        <translation>Waktu respons</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="83"/>
        <source>Agent performance</source>
        <translation>Kinerja agen</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="84"/>
        <source>Escalations by tier</source>
        <translation>Eskalasi per tingkat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="85"/>
        <source>Most overdue</source>
        <translation>Paling terlambat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="99"/>
        <source>Export CSV…</source>
        <translation>Ekspor CSV…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="105"/>
        <source>Group by:</source>
        <translation>Kelompokkan menurut:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="112"/>
        <source>Reports</source>
        <translation>Laporan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="182"/>
        <source>Export table as CSV</source>
        <translation>Ekspor tabel sebagai CSV</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/dashboard/tables.py" line="183"/>
        <source>CSV files (*.csv)</source>
        <translation>Berkas CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../desk_app/ui/search.py" line="47"/>
        <source>Search tickets: number, order id, phone, e-mail or words</source>
        <translation>Cari tiket: nomor, ID pesanan, telepon, e-mail, atau kata</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/search.py" line="46"/>
        <location filename="../../desk_app/ui/search.py" line="48"/>
        <source>Search tickets</source>
        <translation>Cari tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/search.py" line="44"/>
        <location filename="../../desk_app/ui/search.py" line="45"/>
        <source>Clear search</source>
        <extracomment>The agent chose a ticket from the results: its id. Results for the text now in the box were shown (tests and accessibility).</extracomment>
        <translation>Hapus pencarian</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/search.py" line="49"/>
        <source>Searches the tickets on this computer as you type</source>
        <translation>Mencari tiket di komputer ini saat Anda mengetik</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/search.py" line="93"/>
        <source>No ticket matches “{text}”</source>
        <translation>Tidak ada tiket yang cocok dengan “{text}”</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../desk_app/ui/sidebar.py" line="78"/>
        <location filename="../../desk_app/ui/sidebar.py" line="84"/>
        <source>Queues</source>
        <extracomment>The agent picked a queue. After new counts were shown: {spec key: count}.</extracomment>
        <translation>Antrean</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sidebar.py" line="83"/>
        <source>Views</source>
        <translation>Tampilan</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desk_app/ui/sidebar.py" line="202"/>
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n tiket</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desk_app/ui/sidebar.py" line="203"/>
        <source>{queue}: %n ticket(s)</source>
        <translation>
            <numerusform>{queue}: %n tiket</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SlaDisplay</name>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="53"/>
        <source>{days}d {hours}h</source>
        <extracomment>The state a clock has at `now`, from its stored state and its times (epoch seconds here): the core&apos;s rule, `desk_app.core.sla.state_at`, under the name the widgets use.</extracomment>
        <translation>{days}h {hours}j</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="54"/>
        <source>{hours}h {minutes}m</source>
        <translation>{hours}j {minutes}m</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="55"/>
        <source>{minutes}m</source>
        <translation>{minutes}m</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="56"/>
        <source>{seconds}s</source>
        <translation>{seconds}d</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="57"/>
        <source>paused</source>
        <translation>dijeda</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="58"/>
        <source>met</source>
        <translation>terpenuhi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="59"/>
        <source>missed</source>
        <translation>terlewat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="99"/>
        <source>Running</source>
        <translation>Berjalan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="100"/>
        <source>Warning</source>
        <translation>Peringatan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="101"/>
        <source>Breached</source>
        <translation>Dilanggar</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="102"/>
        <source>Paused</source>
        <translation>Dijeda</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="103"/>
        <source>Met</source>
        <translation>Terpenuhi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="104"/>
        <source>Missed</source>
        <translation>Terlewat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="107"/>
        <source>No SLA clock</source>
        <translation>Tidak ada jam SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="114"/>
        <source>SLA clock</source>
        <translation>Jam SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="117"/>
        <source>First response</source>
        <translation>Respons pertama</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="118"/>
        <source>Next response</source>
        <translation>Respons berikutnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="119"/>
        <source>Periodic update</source>
        <translation>Pembaruan berkala</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="120"/>
        <source>Resolution</source>
        <translation>Penyelesaian</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="125"/>
        <source>Tier {level} budget</source>
        <translation>Anggaran Tingkat {level}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="127"/>
        <source>Evidence window ({party})</source>
        <translation>Batas waktu bukti ({party})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="129"/>
        <source>Response due from {party}</source>
        <translation>Tanggapan ditunggu dari {party}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="138"/>
        <source>emergency mode “{mode}” is on</source>
        <translation>mode darurat “{mode}” aktif</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="140"/>
        <source>waiting on the customer</source>
        <translation>menunggu pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="141"/>
        <source>waiting on a third party</source>
        <translation>menunggu pihak ketiga</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="142"/>
        <source>on hold</source>
        <translation>ditahan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="147"/>
        <source>status “{status}”</source>
        <translation>status “{status}”</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="168"/>
        <source>No SLA clock is running on this ticket.</source>
        <translation>Tidak ada jam SLA yang berjalan pada tiket ini.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="173"/>
        <source>Due if resumed now: {when}</source>
        <translation>Jatuh tempo bila dilanjutkan sekarang: {when}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="176"/>
        <source>Due: {when} (in {left})</source>
        <translation>Jatuh tempo: {when} (dalam {left})</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="182"/>
        <source>Was due: {when} ({late} ago)</source>
        <translation>Jatuh tempo: {when} ({late} yang lalu)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="187"/>
        <source>Warning from: {when}</source>
        <translation>Peringatan mulai: {when}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="194"/>
        <source>Business time left: {left}</source>
        <translation>Sisa waktu kerja: {left}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="197"/>
        <source>Business time left at the last update: {left}</source>
        <translation>Sisa waktu kerja pada pembaruan terakhir: {left}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="201"/>
        <source>Paused: {reason}</source>
        <translation>Dijeda: {reason}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="337"/>
        <source>Standard customer</source>
        <translation>Pelanggan standar</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="338"/>
        <source>Startup customer</source>
        <translation>Pelanggan startup</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="339"/>
        <source>Enterprise customer</source>
        <translation>Pelanggan enterprise</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/sla_display.py" line="344"/>
        <source>Customer tier: {tier}</source>
        <translation>Tingkat pelanggan: {tier}</translation>
    </message>
</context>
<context>
    <name>StatusDialog</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="102"/>
        <source>Change status</source>
        <translation>Ubah status</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="110"/>
        <source>{status} (pauses SLA)</source>
        <translation>{status} (menjeda SLA)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="113"/>
        <source>&amp;Status:</source>
        <translation>&amp;Status:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="121"/>
        <source>Optional internal note</source>
        <translation>Catatan internal (opsional)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="123"/>
        <source>&amp;Note:</source>
        <translation>&amp;Catatan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="142"/>
        <source>Stops the SLA clocks; a new customer message reopens the ticket.</source>
        <translation>Menghentikan jam SLA; pesan baru dari pelanggan membuka kembali tiket.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="144"/>
        <source>The SLA clocks run.</source>
        <translation>Jam SLA berjalan.</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="67"/>
        <source>Connecting…</source>
        <translation>Menghubungkan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="68"/>
        <source>Syncing…</source>
        <translation>Menyinkronkan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="69"/>
        <source>Online</source>
        <translation>Daring</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="70"/>
        <source>Offline</source>
        <translation>Luring</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="71"/>
        <source>Login expired</source>
        <translation>Sesi login berakhir</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="72"/>
        <source>Stopped</source>
        <translation>Berhenti</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="82"/>
        <source>Syncing… {count} tickets</source>
        <translation>Menyinkronkan… {count} tiket</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desk_app/ui/status_bar.py" line="88"/>
        <source>%n change(s) waiting to be sent</source>
        <translation>
            <numerusform>%n perubahan menunggu dikirim</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="90"/>
        <source>All changes sent</source>
        <translation>Semua perubahan terkirim</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="91"/>
        <source>Changes made here that the server has not confirmed yet</source>
        <translation>Perubahan di sini yang belum dikonfirmasi server</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="96"/>
        <source>Not synced yet</source>
        <translation>Belum disinkronkan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/status_bar.py" line="97"/>
        <source>Last sync {time}</source>
        <translation>Sinkron terakhir {time}</translation>
    </message>
</context>
<context>
    <name>ThreadView</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="254"/>
        <source>Conversation</source>
        <extracomment>The agent asked to correct one of their entries (the entry&apos;s JSON). Cards built at once when a thread is shown: the newest, which fill the view. Older cards built per turn of the event loop after that.</extracomment>
        <translation>Percakapan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="332"/>
        <source>This conversation is not on this computer yet; it will load when you are back online.</source>
        <extracomment>Whose entries get &quot;Correct...&quot; (the signed-in user; None: nobody&apos;s). (row, its top minus the scroll value) the agent scrolled to; None: the end of the thread.</extracomment>
        <translation>Percakapan ini belum ada di komputer ini; percakapan dimuat saat Anda kembali daring.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="335"/>
        <source>Loading the conversation…</source>
        <translation>Memuat percakapan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/thread_view.py" line="337"/>
        <source>Part of the conversation is not on this computer yet; it appears when the server is reachable.</source>
        <translation>Sebagian percakapan belum ada di komputer ini; akan tampil saat server dapat dihubungi.</translation>
    </message>
</context>
<context>
    <name>TicketActionsBar</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="202"/>
        <source>&amp;Take</source>
        <extracomment>The agent asked to log a call on the ticket (the panel opens the dialog).</extracomment>
        <translation>&amp;Ambil</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="202"/>
        <source>Assign this ticket to yourself</source>
        <translation>Tugaskan tiket ini ke diri Anda</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="203"/>
        <source>&amp;Assign…</source>
        <translation>&amp;Tugaskan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="203"/>
        <source>Assign to a colleague</source>
        <translation>Tugaskan ke rekan kerja</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="204"/>
        <source>Stat&amp;us…</source>
        <translation>Stat&amp;us…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="204"/>
        <source>Change the ticket&apos;s status</source>
        <translation>Ubah status tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="205"/>
        <source>&amp;Escalate…</source>
        <translation>&amp;Eskalasi…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="206"/>
        <source>Move the ticket up to the next tier, with a reason</source>
        <translation>Naikkan tiket ke tingkat berikutnya, dengan alasan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="207"/>
        <source>&amp;De-escalate…</source>
        <translation>Tu&amp;runkan eskalasi…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="208"/>
        <source>Move the ticket back down a tier, with a reason</source>
        <translation>Turunkan tiket satu tingkat, dengan alasan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="214"/>
        <source>Res&amp;olve</source>
        <translation>Sele&amp;saikan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="216"/>
        <source>Reo&amp;pen</source>
        <translation>&amp;Buka kembali</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="217"/>
        <source>Open the ticket again</source>
        <translation>Buka kembali tiket ini</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="209"/>
        <source>&amp;Log call…</source>
        <translation>Catat &amp;panggilan…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="210"/>
        <source>Record a phone call with the customer on this ticket</source>
        <translation>Catat panggilan telepon dengan pelanggan pada tiket ini</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="215"/>
        <source>Mark the ticket resolved (you can undo it for a few seconds)</source>
        <translation>Tandai tiket selesai (dapat diurungkan selama beberapa detik)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="266"/>
        <source>Not done: {reason}</source>
        <translation>Tidak dilakukan: {reason}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="269"/>
        <source>You took {number}.</source>
        <translation>Anda mengambil {number}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="273"/>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="293"/>
        <source>{number} is now “{status}”.</source>
        <translation>{number} sekarang “{status}”.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="287"/>
        <source>{number} resolved.</source>
        <translation>{number} diselesaikan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="299"/>
        <source>{number} is “{status}” again.</source>
        <translation>{number} kembali “{status}”.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="323"/>
        <source>Assignment recorded.</source>
        <translation>Penugasan dicatat.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="352"/>
        <source>{number} escalated.</source>
        <translation>{number} dieskalasi.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="355"/>
        <source>Escalate ticket</source>
        <translation>Eskalasi tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="356"/>
        <source>Why does this ticket need the next tier? Your colleagues read this.</source>
        <translation>Mengapa tiket ini perlu tingkat berikutnya? Rekan kerja Anda akan membaca ini.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="367"/>
        <source>{number} de-escalated.</source>
        <translation>Eskalasi {number} diturunkan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="370"/>
        <source>De-escalate ticket</source>
        <translation>Turunkan eskalasi tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/ticket_actions.py" line="371"/>
        <source>Why can a lower tier handle this ticket?</source>
        <translation>Mengapa tingkat yang lebih rendah dapat menangani tiket ini?</translation>
    </message>
</context>
<context>
    <name>TicketHeader</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="186"/>
        <source>Customer</source>
        <extracomment>Top and bottom margin around the icon and text.</extracomment>
        <translation>Pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="186"/>
        <source>Policy</source>
        <translation>Kebijakan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="186"/>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="187"/>
        <source>Priority</source>
        <translation>Prioritas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="187"/>
        <source>Channel</source>
        <translation>Saluran</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="187"/>
        <source>Tier</source>
        <translation>Tingkat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="188"/>
        <source>Assignee</source>
        <translation>Petugas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="188"/>
        <source>Order</source>
        <translation>Pesanan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="207"/>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="210"/>
        <source>No SLA clock is running.</source>
        <translation>Tidak ada jam SLA yang berjalan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="242"/>
        <source>No ticket selected</source>
        <translation>Tidak ada tiket yang dipilih</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/header.py" line="266"/>
        <source>Unassigned</source>
        <translation>Belum ditugaskan</translation>
    </message>
</context>
<context>
    <name>TicketLabels</name>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="132"/>
        <source>Tier {level}</source>
        <translation>Tingkat {level}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="159"/>
        <source>New</source>
        <translation>Baru</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="160"/>
        <source>Open</source>
        <translation>Terbuka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="161"/>
        <source>Waiting on customer</source>
        <translation>Menunggu pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="162"/>
        <source>Waiting on third party</source>
        <translation>Menunggu pihak ketiga</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="163"/>
        <source>On hold</source>
        <translation>Ditahan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="164"/>
        <source>Resolved</source>
        <translation>Selesai</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="165"/>
        <source>Closed</source>
        <translation>Ditutup</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="176"/>
        <source>Pauses the SLA clocks until the customer answers; a customer message reopens it.</source>
        <translation>Menjeda jam SLA sampai pelanggan menjawab; pesan dari pelanggan membuka kembali tiket.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="178"/>
        <source>Pauses our SLA clocks while a third party (a seller, a carrier) must act; their own response time keeps running.</source>
        <translation>Menjeda jam SLA kita selama pihak ketiga (penjual, jasa kirim) harus bertindak; waktu respons mereka sendiri tetap berjalan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="181"/>
        <source>Pauses the SLA clocks while the ticket is on hold.</source>
        <translation>Menjeda jam SLA selama tiket ditahan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="187"/>
        <source>Pauses the SLA clocks under this policy.</source>
        <translation>Menjeda jam SLA menurut kebijakan ini.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="191"/>
        <source>Standard</source>
        <translation>Standar</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="192"/>
        <source>Startup</source>
        <translation>Startup</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="193"/>
        <source>Enterprise</source>
        <translation>Enterprise</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="199"/>
        <source>Outbound call</source>
        <translation>Panggilan keluar</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/reference.py" line="200"/>
        <source>Inbound call</source>
        <translation>Panggilan masuk</translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="105"/>
        <source>Escalate…</source>
        <extracomment>The ticket shown (None: none), after it was loaded. The agent only follows the ticket (they sent it up): read-only.</extracomment>
        <translation>Eskalasi…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="106"/>
        <source>Add note and keep…</source>
        <translation>Tambah catatan dan tetap tangani…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="286"/>
        <source>This ticket is no longer in your view.</source>
        <translation>Tiket ini sudah tidak ada di tampilan Anda.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="321"/>
        <source>{mode} is on: {notice}</source>
        <translation>{mode} aktif: {notice}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="331"/>
        <source>The customer asked for an escalation: hand this ticket to {tier}.</source>
        <translation>Pelanggan meminta eskalasi: serahkan tiket ini ke {tier}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="333"/>
        <source>This tier&apos;s time budget is used up: escalate to {tier}, or keep it with a note.</source>
        <translation>Anggaran waktu tingkat ini sudah habis: eskalasikan ke {tier}, atau tetap tangani dengan catatan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="336"/>
        <source>It moves up by itself at {when}.</source>
        <translation>Tiket naik tingkat otomatis pada {when}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="337"/>
        <source>Escalate to {tier}…</source>
        <translation>Eskalasi ke {tier}…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="350"/>
        <source>Tier {n}</source>
        <translation>Tingkat {n}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="352"/>
        <source>You sent this ticket up: {tier} works it now. You can read it here and find it again under “Following”; changes are made by {tier}.</source>
        <translation>Anda mengeskalasikan tiket ini: kini {tier} yang menanganinya. Anda dapat membacanya di sini dan menemukannya lagi di “Diikuti”; perubahan dilakukan oleh {tier}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="364"/>
        <source>{names} replying now</source>
        <translation>{names} sedang membalas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="366"/>
        <source>{names} viewing</source>
        <translation>{names} sedang melihat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="367"/>
        <source>Also on this ticket: {who}.</source>
        <translation>Juga di tiket ini: {who}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="412"/>
        <source>The server refused a change to {number}: {message}</source>
        <translation>Server menolak perubahan pada {number}: {message}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="448"/>
        <source>Not sent: {reason}</source>
        <translation>Tidak terkirim: {reason}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="452"/>
        <source>Reply queued for {number}.</source>
        <translation>Balasan untuk {number} masuk antrean kirim.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="453"/>
        <source>Note added to {number}.</source>
        <translation>Catatan ditambahkan ke {number}.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="479"/>
        <source>Escalate to {tier}</source>
        <translation>Eskalasi ke {tier}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="480"/>
        <source>Why does this ticket go up? The next tier reads this.</source>
        <translation>Mengapa tiket ini dinaikkan? Tingkat berikutnya akan membaca ini.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="480"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Alasan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="490"/>
        <source>Keep the ticket</source>
        <translation>Tetap tangani tiket</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="490"/>
        <source>Why can your tier still settle it? The note is internal and restarts the tier&apos;s budget.</source>
        <translation>Mengapa tingkat Anda masih dapat menyelesaikannya? Catatan ini internal dan memulai ulang anggaran waktu tingkat.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="492"/>
        <source>&amp;Note:</source>
        <translation>&amp;Catatan:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="500"/>
        <source>Not done: {reason}</source>
        <translation>Tidak dilakukan: {reason}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="516"/>
        <source>Entry {n} ({what}, {when}) stays in the thread as it is; your correction is added after it as an internal note that names it.</source>
        <translation>Entri {n} ({what}, {when}) tetap ada di percakapan apa adanya; koreksi Anda ditambahkan setelahnya sebagai catatan internal yang merujuk ke entri itu.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="526"/>
        <source>Not corrected: {reason}</source>
        <translation>Tidak dikoreksi: {reason}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="530"/>
        <source>Correction added.</source>
        <translation>Koreksi ditambahkan.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="532"/>
        <source>Correct entry {n}</source>
        <translation>Koreksi entri {n}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="533"/>
        <source>&amp;Correction:</source>
        <translation>&amp;Koreksi:</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="533"/>
        <source>Add correction</source>
        <translation>Tambahkan koreksi</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="559"/>
        <source>Call logged.</source>
        <translation>Panggilan dicatat.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="575"/>
        <source>Downloading {name}…</source>
        <translation>Mengunduh {name}…</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="585"/>
        <source>Opened {name}.</source>
        <translation>{name} dibuka.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/panel.py" line="590"/>
        <source>Could not open {name}: {reason}</source>
        <translation>Tidak dapat membuka {name}: {reason}</translation>
    </message>
</context>
<context>
    <name>TicketTableModel</name>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="117"/>
        <source>New</source>
        <extracomment>The ticket id of any cell&apos;s row. The countdown&apos;s live state (a ClockState, or None) of any cell&apos;s row. Which column shows each row field (for precise dataChanged).</extracomment>
        <translation>Baru</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="118"/>
        <source>Open</source>
        <translation>Terbuka</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="119"/>
        <source>Waiting on customer</source>
        <translation>Menunggu pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="120"/>
        <source>Waiting on third party</source>
        <translation>Menunggu pihak ketiga</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="121"/>
        <source>On hold</source>
        <translation>Ditahan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="122"/>
        <source>Resolved</source>
        <translation>Selesai</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="123"/>
        <source>Closed</source>
        <translation>Ditutup</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/queue_view.py" line="135"/>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="162"/>
        <source>Tier {level}</source>
        <extracomment>Emitted after `set_now`: the instant the countdowns now show.</extracomment>
        <translation>Tingkat {level}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="198"/>
        <source>Number</source>
        <translation>Nomor</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="199"/>
        <source>Subject</source>
        <translation>Subjek</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="200"/>
        <source>Customer</source>
        <translation>Pelanggan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="201"/>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="202"/>
        <source>Priority</source>
        <translation>Prioritas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="203"/>
        <source>Channel</source>
        <translation>Saluran</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="204"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="205"/>
        <source>Tier</source>
        <translation>Tingkat</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="206"/>
        <source>Assignee</source>
        <translation>Petugas</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="207"/>
        <source>Next SLA due</source>
        <translation>SLA berikutnya</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="210"/>
        <source>Customer, with a badge for startup (S) and enterprise (E) customers</source>
        <translation>Pelanggan, dengan lencana untuk pelanggan startup (S) dan enterprise (E)</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="211"/>
        <source>Time left on the ticket&apos;s most urgent SLA clock; negative when overdue. Sorted this way (▲), the queue is most urgent first: breached tickets (the most overdue at the top), then the nearest due; priority breaks ties.</source>
        <translation>Sisa waktu jam SLA paling mendesak pada tiket; negatif bila terlambat. Bila diurutkan begini (▲), antrean dimulai dari yang paling mendesak: tiket yang melewati SLA (yang paling lama terlambat di atas), lalu yang paling dekat jatuh tempo; prioritas menentukan bila sama.</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="475"/>
        <source>Unassigned</source>
        <translation>Belum ditugaskan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="481"/>
        <source>{number} ({policy}), created {created}</source>
        <translation>{number} ({policy}), dibuat {created}</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/queue/ticket_table_model.py" line="489"/>
        <source>{priority} (rank {rank}, 0 is the most urgent)</source>
        <translation>{priority} (peringkat {rank}, 0 paling mendesak)</translation>
    </message>
</context>
<context>
    <name>UndoToast</name>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/undo_toast.py" line="28"/>
        <source>Undo</source>
        <extracomment>How long the offer stands (long enough to notice and reach the button by keyboard).</extracomment>
        <translation>Urungkan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/undo_toast.py" line="33"/>
        <source>Und&amp;o</source>
        <translation>Urun&amp;gkan</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/undo_toast.py" line="34"/>
        <source>Take the change back</source>
        <translation>Batalkan perubahan ini</translation>
    </message>
    <message>
        <location filename="../../desk_app/ui/ticket_panel/undo_toast.py" line="36"/>
        <source>Dismiss</source>
        <translation>Tutup</translation>
    </message>
</context>
</TS>
